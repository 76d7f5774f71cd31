// Autoscaling's parts as pods: Prometheus discovering the gateway pods through cluster DNS, and
// KEDA's operator and metrics server installed from KEDA's own manifests (its `config/minimal`
// kustomization) with the images swapped for the ones built here from the Go module proxy.
import type { KubernetesObject } from '@kubernetes/client-node'
import { restricted, servedDeployment } from './served.ts'

export const monitoringNamespace = 'monitoring'
export const prometheusUrl = `http://prometheus.${monitoringNamespace}.svc:9090`
const gatewayPods = 'strata-gateway-pods'

/**
 * Scrapes every gateway pod every 2 s with the labels a ServiceMonitor would give it. Debian's
 * Prometheus is built without Kubernetes service discovery, so the pods are found through a
 * headless Service's DNS records (one per ready pod), which CoreDNS serves from the API.
 */
export function prometheusConfig(namespace: string): string {
  return JSON.stringify({
    global: { scrape_interval: '2s', evaluation_interval: '2s' },
    scrape_configs: [
      {
        job_name: 'strata-gateway',
        dns_sd_configs: [
          {
            names: [`${gatewayPods}.${namespace}.svc.cluster.local`],
            type: 'A',
            port: 8080,
            refresh_interval: '2s',
          },
        ],
        relabel_configs: [
          { target_label: 'namespace', replacement: namespace },
          { target_label: 'service', replacement: 'strata-gateway' },
          { source_labels: ['__address__'], target_label: 'pod' },
        ],
      },
    ],
  })
}

/** The headless Service whose DNS names the gateway pods, for Prometheus to find them. */
function gatewayPodsService(namespace: string): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: gatewayPods, namespace },
    spec: {
      clusterIP: 'None',
      selector: {
        'app.kubernetes.io/name': 'strata-gateway',
        'app.kubernetes.io/instance': 'strata',
      },
      ports: [{ name: 'http', port: 8080, targetPort: 'http' }],
    },
  } as KubernetesObject
}

export function prometheusManifests(image: string, scrapeNamespace: string): KubernetesObject[] {
  const metadata = { name: 'prometheus', namespace: monitoringNamespace }
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: monitoringNamespace } },
    gatewayPodsService(scrapeNamespace),
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata,
      data: { 'prometheus.yml': prometheusConfig(scrapeNamespace) },
    } as KubernetesObject,
    ...servedDeployment({
      ...metadata,
      port: 9090,
      pod: {
        // Debian's `nobody`, as the image runs it.
        securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534 },
        containers: [
          {
            name: 'prometheus',
            image,
            imagePullPolicy: 'Never',
            args: [
              '--config.file=/etc/prometheus/prometheus.yml',
              '--storage.tsdb.path=/prometheus',
              '--web.listen-address=:9090',
            ],
            ports: [{ name: 'http', containerPort: 9090 }],
            readinessProbe: { httpGet: { path: '/-/ready', port: 'http' }, periodSeconds: 2 },
            securityContext: restricted.container,
            volumeMounts: [
              { name: 'config', mountPath: '/etc/prometheus' },
              { name: 'data', mountPath: '/prometheus' },
            ],
          },
        ],
        volumes: [
          { name: 'config', configMap: { name: 'prometheus' } },
          { name: 'data', emptyDir: {} },
        ],
      },
    }),
  ]
}

export interface KedaImages {
  operator: string
  metricsServer: string
}

/**
 * KEDA's own manifests (`kubectl kustomize config/minimal`) with our images, never pulled. The
 * operator makes the TLS pair the metrics server and the APIService use (cert rotation is on in
 * KEDA's manifests), so nothing else needs a certificate.
 */
export function kedaManifests(
  kustomized: KubernetesObject[],
  images: KedaImages,
): KubernetesObject[] {
  // By repository: KEDA's kustomization pins its own tag (`main` at a release).
  const swap: Record<string, string> = {
    'ghcr.io/kedacore/keda': images.operator,
    'ghcr.io/kedacore/keda-metrics-apiserver': images.metricsServer,
  }
  return kustomized.map((object) => {
    if (object.kind !== 'Deployment') return object
    const deployment = structuredClone(object) as KubernetesObject & {
      spec: { template: { spec: { containers: { image: string; imagePullPolicy?: string }[] } } }
    }
    for (const container of deployment.spec.template.spec.containers) {
      const image = swap[container.image.replace(/:[^/:]+$/, '')]
      if (!image)
        throw new Error(`KEDA's manifests name an image we did not build: ${container.image}`)
      container.image = image
      container.imagePullPolicy = 'Never'
    }
    return deployment
  })
}
