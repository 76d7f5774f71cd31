// charts/strata with the real helm and the real apiserver: strict lint, rendered objects checked
// field by field, an install into the local control plane, and then the real operator and gateway
// run with nothing but the ServiceAccount tokens of the installed chart. The operator reaching
// Ready and the gateway serving its table prove the chart's RBAC sufficient; the exact rule lists
// below keep it minimal (each rule is justified in the templates). Longer than our usual file:
// the render assertions and the install share one chart, one helm and one set of expected rules,
// so the chart keeps a single test entry point.
import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  ApiextensionsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  EventsV1Api,
  RbacAuthorizationV1Api,
  type V1ClusterRole,
  type V1Deployment,
  type V1PodSecurityContext,
  type V1Role,
  type V1SecurityContext,
  type V1Service,
} from '@kubernetes/client-node'
import { renderCustomResourceDefinitions } from '@strata/crds/generate'
import { parse } from 'yaml'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { parseServerConfig } from '../../gateway/src/config.ts'
import { priceTableSchema } from '../../gateway/src/observe/cost.ts'
import { eventually, kubeConfigFrom, statusCode } from '../support/kube.ts'
import { gatewayAccess, operatorKubeconfig } from '../support/service-account-access.ts'
import {
  makeWorkDirectory,
  startEmulatorProcess,
  startInClusterGateway,
  startOperatorProcess,
  type RunningProcess,
} from '../support/processes.ts'
import {
  chartAppVersion,
  chartDirectory,
  createHelm,
  kindsOf,
  parseManifests,
  pick,
} from '../support/helm.ts'

const helm = createHelm()
const release = 'strata'
const namespace = 'strata-system'
const kedaApi = ['--api-versions', 'keda.sh/v1alpha1/ScaledObject']
const prometheusOperatorApi = ['--api-versions', 'monitoring.coreos.com/v1']

const render = (...args: string[]) =>
  parseManifests(
    helm.ok([
      'template',
      release,
      chartDirectory,
      '--namespace',
      namespace,
      '--kube-version',
      '1.34.0',
      ...args,
    ]),
  )

/** What each component's container must look like under the restricted Pod Security profile. */
const restrictedContainer: V1SecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
}
const restrictedPod: V1PodSecurityContext = {
  runAsNonRoot: true,
  runAsUser: 1000,
  runAsGroup: 1000,
  fsGroup: 1000,
  seccompProfile: { type: 'RuntimeDefault' },
}

const expectedOperatorClusterRules = [
  { apiGroups: ['strata.dev'], resources: ['bedrockprojects'], verbs: ['list', 'watch', 'patch'] },
  { apiGroups: ['strata.dev'], resources: ['modelroutes'], verbs: ['list', 'watch'] },
  {
    apiGroups: ['strata.dev'],
    resources: ['bedrockprojects/status', 'modelroutes/status'],
    verbs: ['patch'],
  },
  { apiGroups: ['strata.dev'], resources: ['bedrockprojects/finalizers'], verbs: ['update'] },
  { apiGroups: [''], resources: ['secrets'], verbs: ['create', 'patch'] },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create'] },
]
const expectedOperatorNamespacedRules = [
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
  {
    apiGroups: ['coordination.k8s.io'],
    resources: ['leases'],
    resourceNames: ['strata-operator'],
    verbs: ['get', 'update'],
  },
  {
    apiGroups: [''],
    resources: ['configmaps'],
    resourceNames: ['strata-routing-table'],
    verbs: ['get', 'create', 'patch'],
  },
]
const expectedGatewayRulesWithRedis = [
  {
    apiGroups: [''],
    resources: ['configmaps'],
    resourceNames: ['strata-routing-table'],
    verbs: ['list', 'watch'],
  },
]
// Without Redis the gateway also lists its own Service's EndpointSlices, in its own namespace only,
// to count the ready replicas that share each limit.
const expectedGatewayRules = [
  ...expectedGatewayRulesWithRedis,
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list'] },
]

describe('charts/strata: lint and render', () => {
  it('lints strictly with the defaults and with every optional part switched on', () => {
    expect(helm.ok(['lint', '--strict', chartDirectory])).toContain('0 chart(s) failed')
    const everything = [
      '--set',
      'policy.requiredProjectTags={team,product}',
      '--set',
      'monitoring.serviceMonitor.enabled=true',
      '--set',
      'monitoring.grafanaDashboard.enabled=true',
      '--set',
      'autoscaling.enabled=false',
    ]
    expect(helm.ok(['lint', '--strict', chartDirectory, ...everything])).toContain(
      '0 chart(s) failed',
    )
  })

  it('renders exactly the default objects, with fixed names the contracts rely on', () => {
    expect(kindsOf(render())).toEqual([
      'ClusterRole/strata-strata-gateway',
      'ClusterRole/strata-strata-operator',
      'ClusterRoleBinding/strata-strata-gateway',
      'ClusterRoleBinding/strata-strata-operator',
      'CustomResourceDefinition/bedrockprojects.strata.dev',
      'CustomResourceDefinition/modelroutes.strata.dev',
      'Deployment/strata-gateway',
      'Deployment/strata-operator',
      'HorizontalPodAutoscaler/strata-gateway',
      'PodDisruptionBudget/strata-gateway',
      'Role/strata-gateway',
      'Role/strata-operator',
      'RoleBinding/strata-gateway',
      'RoleBinding/strata-operator',
      'Service/strata-gateway',
      'Service/strata-operator-metrics',
      'ServiceAccount/strata-gateway',
      'ServiceAccount/strata-operator',
    ])
  })

  it('runs both programs non-root, read-only, without capabilities, with their real flags', () => {
    const objects = render()
    const gateway = pick(objects, 'Deployment', 'strata-gateway') as V1Deployment
    const operator = pick(objects, 'Deployment', 'strata-operator') as V1Deployment
    for (const deployment of [gateway, operator]) {
      const pod = deployment.spec?.template.spec
      expect(pod?.securityContext).toEqual(restrictedPod)
      expect(pod?.containers).toHaveLength(1)
      expect(pod?.containers[0]?.securityContext).toEqual(restrictedContainer)
    }
    const gatewayContainer = gateway.spec?.template.spec?.containers[0]
    expect(gatewayContainer?.image).toBe(`ghcr.io/strata-dev/strata-gateway:${chartAppVersion()}`)
    expect(gatewayContainer?.args).toEqual([
      `--routes-configmap=${namespace}/strata-routing-table`,
      '--host=0.0.0.0',
      '--port=8080',
      '--drain-timeout=25000',
      '--max-body-bytes=20971520',
      '--max-in-flight=128',
      '--shed-loop-delay-ms=0',
      `--replicas-service=${namespace}/strata-gateway`,
      '--keep-alive-ms=15000',
    ])
    expect(gatewayContainer?.env).toContainEqual({
      name: 'NODE_OPTIONS',
      value: '--max-old-space-size=128 --max-semi-space-size=8',
    })
    expect(gatewayContainer?.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' })
    expect(gatewayContainer?.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' })
    expect(gateway.spec?.template.spec?.serviceAccountName).toBe('strata-gateway')
    // The autoscaler owns the replica count.
    expect(gateway.spec?.replicas).toBeUndefined()

    const operatorContainer = operator.spec?.template.spec?.containers[0]
    expect(operator.spec?.replicas).toBe(2)
    expect(operatorContainer?.args).toEqual([
      '--metrics-port=8080',
      `--gateway-url=http://strata-gateway.${namespace}.svc/v1`,
      '--resync-seconds=300',
      '--key-grace-seconds=3600',
    ])
    expect(operatorContainer?.env?.[0]).toEqual({
      name: 'POD_NAMESPACE',
      valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
    })
    // The heap flags and limit docs/operations.md ("Operator sizing") measured.
    expect(operatorContainer?.env).toContainEqual({ name: 'MALLOC_ARENA_MAX', value: '2' })
    expect(operatorContainer?.env).toContainEqual({
      name: 'NODE_OPTIONS',
      value: '--max-old-space-size=160 --max-semi-space-size=4',
    })
    expect(operatorContainer?.resources?.limits?.['memory']).toBe('256Mi')
    // Rollouts read Prometheus only when the chart is told where it is.
    const withPrometheus = pick(
      render('--set', 'operator.prometheusUrl=http://prometheus-operated.monitoring.svc:9090'),
      'Deployment',
      'strata-operator',
    ) as V1Deployment
    expect(withPrometheus.spec?.template.spec?.containers[0]?.args).toContain(
      '--prometheus-url=http://prometheus-operated.monitoring.svc:9090',
    )

    const service = pick(objects, 'Service', 'strata-gateway') as V1Service
    expect(service.spec?.ports).toEqual([
      { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' },
    ])
    expect(gatewayContainer?.ports).toEqual([{ name: 'http', containerPort: 8080 }])

    const pinned = render('--set', 'gateway.image.tag=1.2.3', '--set', 'autoscaling.enabled=false')
    const pinnedGateway = pick(pinned, 'Deployment', 'strata-gateway') as V1Deployment
    expect(pinnedGateway.spec?.template.spec?.containers[0]?.image).toBe(
      'ghcr.io/strata-dev/strata-gateway:1.2.3',
    )
    expect(pinnedGateway.spec?.replicas).toBe(2)
  })

  it('keeps a stopping gateway serving while endpoints drop it, within the grace period', () => {
    type PodSpec = {
      terminationGracePeriodSeconds: number
      containers: { lifecycle?: unknown; args: string[] }[]
    }
    const specOf = (objects: ReturnType<typeof render>) =>
      (
        pick(objects, 'Deployment', 'strata-gateway') as unknown as {
          spec: { template: { spec: PodSpec } }
        }
      ).spec.template.spec
    const spec = specOf(render())
    expect(spec.containers[0]?.lifecycle).toEqual({ preStop: { sleep: { seconds: 5 } } })
    // The pause and the 25 s drain together stay below the kubelet's deadline.
    expect(spec.terminationGracePeriodSeconds).toBe(35)
    expect(spec.containers[0]?.args).toContain('--drain-timeout=25000')
    expect(specOf(render('--set', 'gateway.preStopSleepSeconds=0')).containers[0]?.lifecycle).toBe(
      undefined,
    )
  })

  it('grants exactly the verbs each program uses', () => {
    const objects = render()
    expect((pick(objects, 'ClusterRole', 'strata-strata-operator') as V1ClusterRole).rules).toEqual(
      expectedOperatorClusterRules,
    )
    expect((pick(objects, 'Role', 'strata-operator') as V1Role).rules).toEqual(
      expectedOperatorNamespacedRules,
    )
    expect((pick(objects, 'Role', 'strata-gateway') as V1Role).rules).toEqual(expectedGatewayRules)
    expect((pick(objects, 'ClusterRole', 'strata-strata-gateway') as V1ClusterRole).rules).toEqual([
      { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
    ])
    const withoutTokenAuth = render('--set', 'gateway.serviceAccountAuth.enabled=false')
    expect(
      kindsOf(withoutTokenAuth).filter((kind) => kind.includes('strata-strata-gateway')),
    ).toEqual([])
  })

  it('renders the KEDA ScaledObject of the contract only where KEDA exists, an HPA otherwise', () => {
    const withKeda = render(...kedaApi)
    expect(kindsOf(withKeda)).not.toContain('HorizontalPodAutoscaler/strata-gateway')
    const scaledObject = pick(withKeda, 'ScaledObject', 'strata-gateway') as unknown as {
      apiVersion: string
      spec: unknown
    }
    expect(scaledObject.apiVersion).toBe('keda.sh/v1alpha1')
    expect(scaledObject.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'strata-gateway' },
      minReplicaCount: 2,
      maxReplicaCount: 20,
      pollingInterval: 15,
      cooldownPeriod: 300,
      // Kubernetes' own default window, set explicitly so one value tunes KEDA and the CPU HPA.
      advanced: {
        horizontalPodAutoscalerConfig: {
          behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
        },
      },
      triggers: [
        {
          type: 'prometheus',
          metricType: 'AverageValue',
          metadata: {
            serverAddress: 'http://prometheus-operated.monitoring.svc:9090',
            query: `sum(strata_gateway_in_flight_requests{namespace="${namespace}",service="strata-gateway"})`,
            threshold: '32',
          },
        },
      ],
    })
    const tuned = render(
      ...kedaApi,
      '--set',
      'autoscaling.keda.targetInFlightPerReplica=8',
      '--set',
      'autoscaling.keda.prometheusAddress=http://prom:9090',
    )
    expect(JSON.stringify(pick(tuned, 'ScaledObject', 'strata-gateway'))).toContain(
      '"serverAddress":"http://prom:9090","query":"sum(strata_gateway_in_flight_requests',
    )
    expect(JSON.stringify(pick(tuned, 'ScaledObject', 'strata-gateway'))).toContain(
      '"threshold":"8"',
    )

    const hpa = pick(
      render('--set', 'autoscaling.scaleDownStabilizationSeconds=60'),
      'HorizontalPodAutoscaler',
      'strata-gateway',
    ) as unknown as {
      spec: { minReplicas: number; maxReplicas: number; metrics: unknown[]; behavior: unknown }
    }
    expect(hpa.spec.behavior).toEqual({ scaleDown: { stabilizationWindowSeconds: 60 } })
    expect(hpa.spec.minReplicas).toBe(2)
    expect(hpa.spec.maxReplicas).toBe(20)
    expect(hpa.spec.metrics).toEqual([
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
      },
    ])
    const fixed = kindsOf(render(...kedaApi, '--set', 'autoscaling.enabled=false'))
    expect(fixed.filter((kind) => /ScaledObject|HorizontalPodAutoscaler/.test(kind))).toEqual([])
  })

  it('renders ServiceMonitors only when enabled and the Prometheus Operator API exists', () => {
    const on = ['--set', 'monitoring.serviceMonitor.enabled=true']
    expect(kindsOf(render(...on)).filter((kind) => kind.startsWith('ServiceMonitor'))).toEqual([])
    expect(
      kindsOf(render(...prometheusOperatorApi)).filter((k) => k.startsWith('ServiceMonitor')),
    ).toEqual([])
    const monitor = pick(
      render(...on, ...prometheusOperatorApi),
      'ServiceMonitor',
      'strata-gateway',
    )
    expect(JSON.stringify(monitor)).toContain('"endpoints":[{"port":"http","path":"/metrics"')
  })

  it('renders the tag policy only when tags are required', () => {
    expect(
      kindsOf(render()).filter((kind) => kind.startsWith('ValidatingAdmissionPolicy')),
    ).toEqual([])
    const objects = render('--set', 'policy.requiredProjectTags={team,product}')
    const policy = pick(
      objects,
      'ValidatingAdmissionPolicy',
      'strata-strata-required-project-tags',
    ) as unknown as { spec: { validations: { expression: string }[] } }
    expect(policy.spec.validations.map((v) => v.expression)).toEqual([
      `has(object.spec.tags) && "team" in object.spec.tags && object.spec.tags["team"] != ''`,
      `has(object.spec.tags) && "product" in object.spec.tags && object.spec.tags["product"] != ''`,
    ])
    pick(objects, 'ValidatingAdmissionPolicyBinding', 'strata-strata-required-project-tags')
  })

  it('carries the generated CRDs, kept on uninstall, and can leave them out', () => {
    const objects = render()
    for (const { content } of renderCustomResourceDefinitions()) {
      const generated = parse(content) as { metadata: { name: string }; spec: unknown }
      const rendered = pick(
        objects,
        'CustomResourceDefinition',
        generated.metadata.name,
      ) as unknown as {
        metadata: { annotations: Record<string, string> }
        spec: unknown
      }
      expect(rendered.spec).toEqual(generated.spec)
      expect(rendered.metadata.annotations).toEqual({ 'helm.sh/resource-policy': 'keep' })
    }
    const without = kindsOf(render('--set', 'crds.install=false'))
    expect(without.filter((kind) => kind.startsWith('CustomResourceDefinition'))).toEqual([])
  })

  it('ships a Grafana dashboard on the contract metric names when asked', () => {
    expect(kindsOf(render()).filter((kind) => kind.startsWith('ConfigMap'))).toEqual([])
    const configMap = pick(
      render('--set', 'monitoring.grafanaDashboard.enabled=true'),
      'ConfigMap',
      'strata-grafana-dashboard',
    ) as unknown as { metadata: { labels: Record<string, string> }; data: Record<string, string> }
    expect(configMap.metadata.labels['grafana_dashboard']).toBe('1')
    const dashboard = JSON.parse(configMap.data['strata.json'] ?? '') as {
      panels: { title: string; targets: { expr: string }[] }[]
    }
    expect(dashboard).toEqual(
      JSON.parse(readFileSync(join(chartDirectory, 'dashboards', 'strata.json'), 'utf8')),
    )
    const expressions = dashboard.panels
      .flatMap((panel) => panel.targets.map((t) => t.expr))
      .join('\n')
    for (const metric of [
      'gen_ai_client_token_usage_total',
      'gen_ai_client_cost_usd_total',
      'gen_ai_server_request_duration_seconds_bucket',
      'gen_ai_server_time_to_first_token_seconds_bucket',
      'strata_gateway_errors_total',
      'strata_gateway_in_flight_requests',
      'strata_rollout_phase',
      'strata_rollout_gate_passed',
      'strata_gateway_backend_attempts_total',
    ])
      expect(expressions).toContain(metric)
    expect(expressions).toContain('histogram_quantile(0.99')
    expect(expressions).toContain('histogram_quantile(0.95')
  })

  it('refuses autoscaling bounds the wrong way round, naming both values', () => {
    const inverted = helm.run([
      'template',
      release,
      chartDirectory,
      '--set',
      'autoscaling.minReplicas=5',
      '--set',
      'autoscaling.maxReplicas=3',
    ])
    expect(inverted.status).not.toBe(0)
    expect(inverted.stderr).toContain(
      'autoscaling.minReplicas (5) must not exceed autoscaling.maxReplicas (3)',
    )
  })

  it('rejects a misspelt key and an out-of-range value through values.schema.json', () => {
    const typo = helm.run(['template', release, chartDirectory, '--set', 'gateway.replica=3'])
    expect(typo.status).not.toBe(0)
    expect(typo.stderr).toMatch(/replica/)
    expect(typo.stderr).toMatch(/additional propert/i)
    const zero = helm.run([
      'template',
      release,
      chartDirectory,
      '--set',
      'autoscaling.keda.targetInFlightPerReplica=0',
    ])
    expect(zero.status).not.toBe(0)
    expect(zero.stderr).toMatch(/targetInFlightPerReplica/)
    const reserved = helm.run([
      'template',
      release,
      chartDirectory,
      '--set',
      'policy.requiredProjectTags={aws:team}',
    ])
    expect(reserved.status).not.toBe(0)
    for (const [flag, blocking] of [
      ['--set', '0'],
      ['--set-string', '0%'],
    ] as const) {
      const pdb = helm.run([
        'template',
        release,
        chartDirectory,
        flag,
        `gateway.podDisruptionBudget.maxUnavailable=${blocking}`,
      ])
      expect(pdb.status, `maxUnavailable ${blocking}`).not.toBe(0)
      expect(pdb.stderr).toMatch(/maxUnavailable/)
    }
    const heap = helm.run(['template', release, chartDirectory, '--set', 'operator.maxHeapMiB=-1'])
    expect(heap.status).not.toBe(0)
  })

  it('installs with the defaults: without Redis each replica takes its share from the live count', () => {
    // The first install a platform engineer runs: autoscaling 2-20, no Redis, no opt-out.
    const plain = helm.run(['template', release, chartDirectory, '--namespace', namespace])
    expect(plain.status, plain.stderr).toBe(0)
    const objects = parseManifests(plain.stdout)
    const args = (pick(objects, 'Deployment', 'strata-gateway') as V1Deployment).spec?.template.spec
      ?.containers[0]?.args
    expect(args).toContain(`--replicas-service=${namespace}/strata-gateway`)
    expect(args?.some((arg) => arg.startsWith('--replicas-hint'))).toBe(false)
    expect(args?.some((arg) => arg.startsWith('--redis-url'))).toBe(false)
    // The gateway's own parser takes the flag as rendered.
    expect(parseServerConfig(args ?? [], {}).replicasService).toBe(`${namespace}/strata-gateway`)
    // The Service it counts is the one the chart renders, in the same namespace as the Role.
    expect(pick(objects, 'Service', 'strata-gateway').metadata?.namespace).toBe(namespace)
    const role = pick(objects, 'Role', 'strata-gateway') as V1Role
    expect(role.metadata?.namespace).toBe(namespace)
    expect(role.rules).toEqual(expectedGatewayRules)
    // A fixed count is counted live as well: rolling updates change it too.
    const fixed = (
      pick(
        render('--set', 'autoscaling.enabled=false', '--set', 'gateway.replicas=3'),
        'Deployment',
        'strata-gateway',
      ) as V1Deployment
    ).spec?.template.spec?.containers[0]?.args
    expect(fixed).toContain(`--replicas-service=${namespace}/strata-gateway`)
    // The opt-out of the Redis-or-nothing chart is gone; the schema names it if still set.
    const optOut = helm.run([
      'template',
      release,
      chartDirectory,
      '--set',
      'limits.allowUnsharedLimits=true',
    ])
    expect(optOut.status).not.toBe(0)
    expect(optOut.stderr).toMatch(/allowUnsharedLimits/)
    const badUrl = helm.run([
      'template',
      release,
      chartDirectory,
      '--set',
      'limits.redis.url=http://redis:6379',
    ])
    expect(badUrl.status).not.toBe(0)
    expect(badUrl.stderr).toMatch(/url/)
  })

  it('shares limits through Redis from a URL or a Secret, with no live count and no RBAC for it', () => {
    const argsOf = (objects: ReturnType<typeof render>) =>
      (pick(objects, 'Deployment', 'strata-gateway') as V1Deployment).spec?.template.spec
        ?.containers[0]
    const urlObjects = render('--set', 'limits.redis.url=redis://redis.strata-system.svc:6379')
    const byUrl = argsOf(urlObjects)
    expect(byUrl?.args).toContain('--redis-url=redis://redis.strata-system.svc:6379')
    expect(byUrl?.args?.some((arg) => arg.startsWith('--replicas-'))).toBe(false)
    expect((pick(urlObjects, 'Role', 'strata-gateway') as V1Role).rules).toEqual(
      expectedGatewayRulesWithRedis,
    )

    const secretObjects = render('--set', 'limits.redis.existingSecret.name=strata-redis')
    const bySecret = argsOf(secretObjects)
    expect(bySecret?.args?.some((arg) => arg.startsWith('--redis-url'))).toBe(false)
    expect(bySecret?.args?.some((arg) => arg.startsWith('--replicas-'))).toBe(false)
    expect(bySecret?.env).toContainEqual({
      name: 'STRATA_REDIS_URL',
      valueFrom: { secretKeyRef: { name: 'strata-redis', key: 'url' } },
    })
    expect((pick(secretObjects, 'Role', 'strata-gateway') as V1Role).rules).toEqual(
      expectedGatewayRulesWithRedis,
    )
  })

  it('passes the observability values as the gateway flags they name, the price table as a file', () => {
    const withValues = render(
      '--set',
      'gateway.keepAliveMs=30000',
      '--set',
      'gateway.accessLog=false',
      '--set',
      'gateway.logContent=true',
      '--set',
      'gateway.priceTable.models[0].match=anthropic.claude-sonnet-4-6',
      '--set',
      'gateway.priceTable.models[0].input=3',
      '--set',
      'gateway.priceTable.models[0].output=15',
    )
    const deployment = pick(withValues, 'Deployment', 'strata-gateway') as V1Deployment
    const container = deployment.spec?.template.spec?.containers[0]
    const args = container?.args ?? []
    expect(args).toContain('--keep-alive-ms=30000')
    expect(args).toContain('--no-access-log')
    expect(args).toContain('--log-content')
    expect(args).toContain('--price-table=/etc/strata/prices/prices.json')
    expect(container?.volumeMounts).toContainEqual({
      name: 'prices',
      mountPath: '/etc/strata/prices',
      readOnly: true,
    })
    // A changed table rolls the pods, because the gateway reads it at start.
    expect(
      deployment.spec?.template.metadata?.annotations?.['strata.dev/price-table-sha256'],
    ).toMatch(/^[0-9a-f]{64}$/)
    const prices = pick(withValues, 'ConfigMap', 'strata-gateway-prices') as {
      data: Record<string, string>
    }
    // The file is what the gateway's own price-table parser accepts.
    expect(priceTableSchema.parse(JSON.parse(prices.data['prices.json'] ?? ''))).toEqual({
      models: [{ match: 'anthropic.claude-sonnet-4-6', input: 3, output: 15 }],
    })
    // Defaults: access log on, no content, built-in prices (no ConfigMap).
    const defaults = render()
    const defaultArgs =
      (pick(defaults, 'Deployment', 'strata-gateway') as V1Deployment).spec?.template.spec
        ?.containers[0]?.args ?? []
    expect(defaultArgs).not.toContain('--no-access-log')
    expect(defaultArgs).not.toContain('--log-content')
    expect(kindsOf(defaults)).not.toContain('ConfigMap/strata-gateway-prices')
    const bad = helm.run(['template', release, chartDirectory, '--set', 'gateway.keepAliveMs=5'])
    expect(bad.status).not.toBe(0)
    expect(bad.stderr).toMatch(/keepAliveMs/)
  })

  it('bounds model requests in flight per replica, never below the KEDA target', () => {
    const argsOf = (...values: string[]) =>
      (pick(render(...values), 'Deployment', 'strata-gateway') as V1Deployment).spec?.template.spec
        ?.containers[0]?.args
    expect(argsOf('--set', 'gateway.maxInFlightRequests=256')).toContain('--max-in-flight=256')
    expect(argsOf('--set', 'gateway.maxInFlightRequests=0')).toContain('--max-in-flight=0')
    const below = helm.run([
      'template',
      release,
      chartDirectory,
      '--set',
      'gateway.maxInFlightRequests=16',
    ])
    expect(below.status).not.toBe(0)
    expect(below.stderr).toContain(
      'gateway.maxInFlightRequests (16) is below autoscaling.keda.targetInFlightPerReplica (32)',
    )
    const negative = helm.run([
      'template',
      release,
      chartDirectory,
      '--set',
      'gateway.maxInFlightRequests=-1',
    ])
    expect(negative.status).not.toBe(0)
    expect(negative.stderr).toMatch(/maxInFlightRequests/)
  })
})

describe('charts/strata: installed into the local control plane', () => {
  const suffix = Date.now().toString(36)
  const system = `strata-chart-${suffix}`
  const team = `chart-team-${suffix}`
  const chartRelease = `strata-${suffix}`
  const config = kubeConfigFrom(inject('kubeconfig'))
  const core = config.makeApiClient(CoreV1Api)
  const custom = config.makeApiClient(CustomObjectsApi)
  const rbac = config.makeApiClient(RbacAuthorizationV1Api)
  const extensions = config.makeApiClient(ApiextensionsV1Api)
  const crdNames = ['bedrockprojects.strata.dev', 'modelroutes.strata.dev']
  const tags = {
    owner: 'team-a',
    cost_center: 'cc-42',
    environment: 'test',
    data_classification: 'internal',
    team: 'search',
  }
  let workDirectory = ''
  let installOutput = ''
  let emulator: RunningProcess | undefined
  let operator: RunningProcess | undefined
  let gateway: RunningProcess | undefined

  const kubectl = (args: string[]): string =>
    execFileSync(helm.kubectlPath, ['--kubeconfig', inject('kubeconfig'), ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    })

  /** A token of one of the chart's ServiceAccounts, through the TokenRequest API. */
  const tokenOf = (serviceAccount: string): string =>
    kubectl(['create', 'token', serviceAccount, '-n', system, '--duration=1h']).trim()

  const modelRoute = (name: string, model: string) => ({
    apiVersion: 'strata.dev/v1alpha1',
    kind: 'ModelRoute',
    metadata: { name, namespace: team },
    spec: {
      projectRef: { name: 'search' },
      model,
      backends: [{ kind: 'converse', modelId: 'anthropic.claude-sonnet-4-6' }],
    },
  })

  const project = (name: string, projectTags: Record<string, string>) => ({
    apiVersion: 'strata.dev/v1alpha1',
    kind: 'BedrockProject',
    metadata: { name, namespace: team },
    spec: { name: `Chart ${name} ${suffix}`, region: 'us-east-1', tags: projectTags },
  })

  beforeAll(async () => {
    workDirectory = await makeWorkDirectory('chart')
    // Earlier test files may have installed the same CRDs; mark those as this release's so Helm
    // adopts them rather than refusing to install over objects it does not own. Otherwise the
    // install below creates them.
    for (const crd of crdNames) {
      const exists = await extensions.readCustomResourceDefinition({ name: crd }).then(
        () => true,
        () => false,
      )
      if (!exists) continue
      kubectl(['label', '--overwrite', 'crd', crd, 'app.kubernetes.io/managed-by=Helm'])
      kubectl([
        'annotate',
        '--overwrite',
        'crd',
        crd,
        `meta.helm.sh/release-name=${chartRelease}`,
        `meta.helm.sh/release-namespace=${system}`,
      ])
    }
    await core.createNamespace({
      body: { metadata: { name: team, labels: { 'strata.dev/chart-test': suffix } } },
    })
    // The tag policy is cluster-wide: scope it to this test's namespace so it binds nobody else.
    const valuesFile = join(workDirectory, 'values.json')
    writeFileSync(
      valuesFile,
      JSON.stringify({
        policy: {
          requiredProjectTags: ['team'],
          namespaceSelector: { matchLabels: { 'strata.dev/chart-test': suffix } },
        },
      }),
    )
    installOutput = helm.ok([
      'install',
      chartRelease,
      chartDirectory,
      '--kubeconfig',
      inject('kubeconfig'),
      '--namespace',
      system,
      '--create-namespace',
      '--values',
      valuesFile,
    ])
  }, 180_000)

  afterAll(async () => {
    // The finalizer needs the operator: delete projects while it still runs.
    await custom
      .deleteCollectionNamespacedCustomObject({
        group: 'strata.dev',
        version: 'v1alpha1',
        namespace: team,
        plural: 'bedrockprojects',
      })
      .catch(() => undefined)
    if (operator)
      await eventually('projects of the chart test gone', async () => {
        const list = (await custom.listNamespacedCustomObject({
          group: 'strata.dev',
          version: 'v1alpha1',
          namespace: team,
          plural: 'bedrockprojects',
        })) as { items: unknown[] }
        return list.items.length === 0 || undefined
      }).catch(() => undefined)
    await gateway?.stop()
    await operator?.stop()
    await emulator?.stop()
    helm.run([
      'uninstall',
      chartRelease,
      '--kubeconfig',
      inject('kubeconfig'),
      '--namespace',
      system,
    ])
    await core.deleteNamespace({ name: team }).catch(() => undefined)
    await core.deleteNamespace({ name: system }).catch(() => undefined)
  }, 120_000)

  it('installs: CRDs established, RBAC and ServiceAccounts in place, NOTES with the base URL', async () => {
    expect(installOutput).toContain(`http://strata-gateway.${system}.svc/v1`)
    // gateway.replicas does nothing while an autoscaler owns the count; NOTES says so.
    expect(installOutput).toContain('gateway.replicas (2) is not used while autoscaling.enabled')
    for (const name of crdNames) {
      const crd = await eventually(`${name} Established`, async () => {
        const stored = await extensions.readCustomResourceDefinition({ name })
        const established = stored.status?.conditions?.find((c) => c.type === 'Established')
        return established?.status === 'True' ? stored : undefined
      })
      expect(crd.metadata?.annotations?.['helm.sh/resource-policy']).toBe('keep')
      expect(crd.metadata?.annotations?.['meta.helm.sh/release-name']).toBe(chartRelease)
      expect(crd.metadata?.labels?.['app.kubernetes.io/part-of']).toBe('strata')
    }
    const clusterRole = await rbac.readClusterRole({ name: `${chartRelease}-strata-operator` })
    expect(clusterRole.rules).toEqual(expectedOperatorClusterRules)
    const role = await rbac.readNamespacedRole({ name: 'strata-operator', namespace: system })
    expect(role.rules).toEqual(expectedOperatorNamespacedRules)
    const binding = await rbac.readClusterRoleBinding({ name: `${chartRelease}-strata-operator` })
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'strata-operator', namespace: system },
    ])
    await core.readNamespacedServiceAccount({ name: 'strata-operator', namespace: system })
    await core.readNamespacedServiceAccount({ name: 'strata-gateway', namespace: system })
    const service = await core.readNamespacedService({ name: 'strata-gateway', namespace: system })
    expect(service.spec?.ports?.[0]?.port).toBe(80)
    // Without KEDA in this cluster the chart chose the HPA.
    kubectl(['get', 'hpa', 'strata-gateway', '-n', system])
    expect(
      kubectl([
        'auth',
        'can-i',
        'create',
        'tokenreviews.authentication.k8s.io',
        `--as=system:serviceaccount:${system}:strata-gateway`,
      ]).trim(),
    ).toBe('yes')
    // The live replica count: EndpointSlices in the gateway's own namespace, and nowhere else.
    // `auth can-i` answers "no" with exit status 1, so its output is read whatever the status.
    const canList = (ns: string): string =>
      spawnSync(
        helm.kubectlPath,
        [
          '--kubeconfig',
          inject('kubeconfig'),
          'auth',
          'can-i',
          'list',
          'endpointslices.discovery.k8s.io',
          '-n',
          ns,
          `--as=system:serviceaccount:${system}:strata-gateway`,
        ],
        { encoding: 'utf8' },
      ).stdout.trim()
    expect(canList(system)).toBe('yes')
    expect(canList(team)).toBe('no')
  })

  it('says in NOTES how rate limits are counted and what a replica holds', () => {
    // The default install, no Redis: each replica's share follows the live count.
    expect(installOutput).toContain(
      'each gateway replica enforces 1/N of every limit, N the ready replicas behind Service strata-gateway',
    )
    expect(installOutput).toContain('the autoscaler moves between 2 and 20 replicas')
    expect(installOutput).toContain('at most 128 model requests at once')
    // NOTES of other values, rendered without installing; another namespace (never created), so
    // that no object of the installed release stands in the way.
    const fixed = helm.ok([
      'install',
      `${chartRelease}-fixed`,
      chartDirectory,
      '--kubeconfig',
      inject('kubeconfig'),
      '--namespace',
      `${system}-dry-run`,
      '--dry-run=server',
      '--set',
      'crds.install=false',
      '--set',
      'autoscaling.enabled=false',
      '--set',
      'gateway.replicas=3',
    ])
    expect(fixed).toContain('replicas come and go (rolling updates included)')
    const shared = helm.ok([
      'install',
      `${chartRelease}-redis`,
      chartDirectory,
      '--kubeconfig',
      inject('kubeconfig'),
      '--namespace',
      `${system}-dry-run`,
      '--dry-run=server',
      '--set',
      'crds.install=false',
      '--set',
      'limits.redis.existingSecret.name=strata-redis',
    ])
    expect(shared).toContain(
      'Rate limits and budgets are counted in Redis (Secret strata-redis, key url)',
    )
  })

  it('refuses a BedrockProject without a tag the platform policy requires', async () => {
    const withoutTeam = Object.fromEntries(Object.entries(tags).filter(([key]) => key !== 'team'))
    const projects = { group: 'strata.dev', version: 'v1alpha1', namespace: team }
    // A new policy takes effect a moment after it is stored; until then the create succeeds, so
    // undo it and try again. No operator runs yet, so no finalizer holds the deletion.
    const refused = await eventually('the tag policy enforced', () =>
      custom
        .createNamespacedCustomObject({
          ...projects,
          plural: 'bedrockprojects',
          body: project('untagged', withoutTeam),
        })
        .then(
          async () => {
            await custom.deleteNamespacedCustomObject({
              ...projects,
              plural: 'bedrockprojects',
              name: 'untagged',
            })
            return undefined
          },
          (error: unknown) => error,
        ),
    )
    expect(statusCode(refused)).toBe(422)
    expect(String(refused)).toMatch(
      /denied request: spec\.tags must include a non-empty \W+team\W+ tag/,
    )
  })

  it('runs the real operator with only its chart ServiceAccount: Ready project, published table', async () => {
    emulator = await startEmulatorProcess(workDirectory)
    operator = await startOperatorProcess({
      workDirectory,
      kubeconfig: operatorKubeconfig(config, tokenOf('strata-operator'), workDirectory),
      namespace: system,
      emulatorUrl: emulator.url,
    })
    await custom.createNamespacedCustomObject({
      group: 'strata.dev',
      version: 'v1alpha1',
      namespace: team,
      plural: 'bedrockprojects',
      body: project('search', tags),
    })
    await custom.createNamespacedCustomObject({
      group: 'strata.dev',
      version: 'v1alpha1',
      namespace: team,
      plural: 'modelroutes',
      body: modelRoute('chat', 'search-chat'),
    })
    const ready = (object: unknown) =>
      (
        object as { status?: { conditions?: { type: string; status: string }[] } }
      ).status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True'
    await eventually(
      'BedrockProject search Ready under the chart RBAC',
      async () =>
        ready(
          await custom.getNamespacedCustomObject({
            group: 'strata.dev',
            version: 'v1alpha1',
            namespace: team,
            plural: 'bedrockprojects',
            name: 'search',
          }),
        ) || undefined,
    )
    await eventually(
      'ModelRoute chat Ready under the chart RBAC',
      async () =>
        ready(
          await custom.getNamespacedCustomObject({
            group: 'strata.dev',
            version: 'v1alpha1',
            namespace: team,
            plural: 'modelroutes',
            name: 'chat',
          }),
        ) || undefined,
    )
    const table = await core.readNamespacedConfigMap({
      name: 'strata-routing-table',
      namespace: system,
    })
    expect(table.data?.['routing-table.json']).toContain('search-chat')
    const secret = await core.readNamespacedSecret({ name: 'search-openai', namespace: team })
    expect(Buffer.from(secret.data?.['OPENAI_BASE_URL'] ?? '', 'base64').toString()).toBe(
      `http://strata-gateway.${system}.svc/v1`,
    )
    // Renewing (every 2 s) is an update of the Lease, which the first acquisition is not.
    const leases = config.makeApiClient(CoordinationV1Api)
    const readLease = () =>
      leases.readNamespacedLease({ name: 'strata-operator', namespace: system })
    const acquired = await readLease()
    expect(acquired.spec?.holderIdentity).toBeTruthy()
    await eventually('the operator renewing its Lease', async () => {
      const renewed = await readLease()
      return String(renewed.spec?.renewTime) !== String(acquired.spec?.renewTime) || undefined
    })
    // Events are best effort in the operator, so a missing permission would only show in its log.
    const events = await config
      .makeApiClient(EventsV1Api)
      .listNamespacedEvent({ namespace: team, fieldSelector: 'reason=ProjectCreated' })
    expect(events.items.map((event) => event.reportingController)).toContain(
      'strata.dev/strata-operator',
    )
    // An RBAC refusal names the user ("is forbidden: User ... cannot ..."). Other 403s can appear on
    // the shared control plane: events in namespaces that earlier test files are still deleting.
    expect(await operator.log()).not.toMatch(/forbidden: User/)
  })

  it("refuses the operator's ServiceAccount any read of a Secret outside what it writes", async () => {
    // A Secret the operator has no business with, in the apiserver's own namespace.
    await core.createNamespacedSecret({
      namespace: 'kube-system',
      body: { metadata: { name: `not-strata-${suffix}` }, stringData: { password: 'hunter2' } },
    })
    const asOperator = kubeConfigFrom(
      operatorKubeconfig(config, tokenOf('strata-operator'), workDirectory),
    ).makeApiClient(CoreV1Api)
    try {
      for (const [what, call] of [
        [
          'get',
          () =>
            asOperator.readNamespacedSecret({
              name: `not-strata-${suffix}`,
              namespace: 'kube-system',
            }),
        ],
        ['list', () => asOperator.listNamespacedSecret({ namespace: 'kube-system' })],
        ['list cluster-wide', () => asOperator.listSecretForAllNamespaces()],
        [
          'get its own',
          () => asOperator.readNamespacedSecret({ name: 'search-openai', namespace: team }),
        ],
      ] as const) {
        const refused = await call().then(
          () => undefined,
          (error: unknown) => error,
        )
        expect(statusCode(refused), `${what} of Secrets`).toBe(403)
      }
    } finally {
      await core.deleteNamespacedSecret({ name: `not-strata-${suffix}`, namespace: 'kube-system' })
    }
  })

  it('serves the published table from a gateway holding only its chart ServiceAccount token', async () => {
    if (!emulator) throw new Error('the operator test must run first: it starts the emulator')
    gateway = await startInClusterGateway({
      workDirectory,
      access: gatewayAccess(config, tokenOf('strata-gateway'), workDirectory),
      namespace: system,
      emulatorUrl: emulator.url,
    })
    const secret = await core.readNamespacedSecret({ name: 'search-openai', namespace: team })
    const apiKey = Buffer.from(secret.data?.['OPENAI_API_KEY'] ?? '', 'base64').toString()
    const models = await eventually('search-chat served by the gateway', async () => {
      const response = await fetch(`${gateway?.url ?? ''}/v1/models`, {
        headers: { authorization: `Bearer ${apiKey}` },
      })
      const body = (await response.json()) as { data?: { id: string }[] }
      return body.data?.some((m) => m.id === 'search-chat') ? body : undefined
    })
    expect(models.data?.map((m) => m.id)).toContain('search-chat')
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200)
    // A table published after the gateway started arrives through the watch.
    await custom.createNamespacedCustomObject({
      group: 'strata.dev',
      version: 'v1alpha1',
      namespace: team,
      plural: 'modelroutes',
      body: modelRoute('chat-later', 'search-later'),
    })
    await eventually('search-later served through the watch', async () => {
      const response = await fetch(`${gateway?.url ?? ''}/v1/models`, {
        headers: { authorization: `Bearer ${apiKey}` },
      })
      const body = (await response.json()) as { data?: { id: string }[] }
      return body.data?.some((m) => m.id === 'search-later') || undefined
    })
  })

  it('updates the CRDs on helm upgrade, unlike a chart crds/ directory would', async () => {
    helm.ok([
      'upgrade',
      chartRelease,
      chartDirectory,
      '--kubeconfig',
      inject('kubeconfig'),
      '--namespace',
      system,
      '--reuse-values',
      '--set',
      `commonLabels.strata\\.dev/upgraded=${suffix}`,
    ])
    for (const name of crdNames) {
      const crd = await extensions.readCustomResourceDefinition({ name })
      expect(crd.metadata?.labels?.['strata.dev/upgraded']).toBe(suffix)
    }
  })
})
