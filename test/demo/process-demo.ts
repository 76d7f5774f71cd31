// `make demo` where no node can run (not root, or containerd missing): a real control plane, the
// Bedrock emulator standing in for AWS, `helm install` of charts/strata (CRDs, RBAC, Services,
// PDB, Deployments), then strata-operator and strata-gateway as processes, each holding only a
// token of the chart's ServiceAccount so the chart's RBAC is what they work with. The example
// manifests are applied with kubectl and the official openai client calls the gateway with the
// credentials the operator generated.
import { execFileSync } from 'node:child_process'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node'
import OpenAI from 'openai'
import { gatewayAccess, operatorKubeconfig } from '../support/service-account-access.ts'
import { canI, helmInstall, tokenOf } from './chart.ts'
import { metricsReport, projectTour } from './tour.ts'
import { startControlPlane } from '../control-plane/control-plane.ts'
import { onShutdown, print, step } from './session.ts'
import { stopPid } from '../control-plane/processes.ts'
import { eventually, kubeConfigFrom } from '../support/kube.ts'
import {
  makeWorkDirectory,
  startEmulatorProcess,
  startInClusterGateway,
  startOperatorProcess,
  type RunningProcess,
} from '../support/processes.ts'

const repoRoot = join(import.meta.dirname, '..', '..')
const system = 'strata-system'

export async function processDemo(): Promise<string> {
  step('starting the local control plane (etcd, kube-apiserver, kube-controller-manager)')
  const plane = await startControlPlane()
  onShutdown('the control plane', () => plane.stop())
  // A terminal's Ctrl-C signals the whole process group, so kube-apiserver stops with everyone
  // else and the operator's last Lease call can hang on it (leader-election.ts has no request
  // timeout): a short grace before SIGKILL keeps Ctrl-C snappy.
  const keep = (child: RunningProcess) => {
    onShutdown(child.process.name, () => stopPid(child.process.pid, 3_000))
  }
  const kubectl = (...args: string[]) =>
    execFileSync(plane.binaries.kubectl, ['--kubeconfig', plane.kubeconfig, ...args], {
      encoding: 'utf8',
    })
  const config = kubeConfigFrom(plane.kubeconfig)
  const core = config.makeApiClient(CoreV1Api)
  process.stdout.write(kubectl('get', '--raw', '/version'))

  step('starting the Bedrock emulator (Converse, Mantle, Projects API, inference profiles)')
  const work = await makeWorkDirectory('demo')
  onShutdown('the work directory', () => rm(work, { recursive: true, force: true }))
  const emulator = await startEmulatorProcess(work)
  keep(emulator)
  process.stdout.write(`emulator at ${emulator.url}\n`)

  step(`helm install strata charts/strata --namespace ${system} --create-namespace`)
  process.stdout.write(helmInstall(plane.kubeconfig, system))
  kubectl('wait', '--for=condition=Established', '--timeout=60s', 'crd', '--all')
  process.stdout.write(kubectl('get', 'crds'))
  process.stdout.write(kubectl('get', 'deploy,svc,pdb,hpa,sa', '-n', system))
  print(`NOTE: the Deployments strata-operator and strata-gateway exist but their pods will not
run: without a node this control plane has no kubelet and no scheduler. The demo runs the same
two programs as processes instead, each holding only a token of the chart's ServiceAccount, so
they can do exactly what the chart's RBAC grants and nothing more.\n`)
  const gatewayUser = `system:serviceaccount:${system}:strata-gateway`
  for (const [question, args] of [
    ['watch its routing table', ['watch', 'configmaps/strata-routing-table', '-n', system]],
    [
      'list the EndpointSlices that count its replicas',
      ['list', 'endpointslices.discovery.k8s.io', '-n', system],
    ],
    ['read the Secrets in namespace support', ['get', 'secrets', '-n', 'support']],
  ] as const)
    print(
      `chart RBAC: may strata-gateway ${question}? ` +
        `${canI(plane.kubeconfig, plane.binaries.kubectl, [...args, '--as', gatewayUser])}\n`,
    )
  for (const namespace of ['support', 'research'])
    await core.createNamespace({ body: { metadata: { name: namespace } } })

  step(
    `starting strata-operator as a process with the token of ServiceAccount ${system}/strata-operator`,
  )
  const operator = await startOperatorProcess({
    workDirectory: work,
    kubeconfig: operatorKubeconfig(config, tokenOf(kubectl, system, 'strata-operator'), work),
    namespace: system,
    emulatorUrl: emulator.url,
  })
  keep(operator)

  step('kubectl apply -f examples/manifests/ (two projects; routes on Converse and Mantle)')
  process.stdout.write(kubectl('apply', '-f', join(repoRoot, 'examples/manifests')))
  const custom = config.makeApiClient(CustomObjectsApi)
  await eventually(
    'every ModelRoute to be Ready',
    async () => {
      const list = (await custom.listClusterCustomObject({
        group: 'strata.dev',
        version: 'v1alpha1',
        plural: 'modelroutes',
      })) as {
        items: { status?: { conditions?: { type: string; status: string }[] } }[]
      }
      const ready = list.items.filter((route) =>
        route.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      )
      return ready.length === list.items.length && list.items.length > 0 ? true : undefined
    },
    60_000,
  )
  process.stdout.write(kubectl('get', 'bp,mr', '-A'))

  step(
    `starting strata-gateway as a process with the token of ServiceAccount ${system}/strata-gateway`,
  )
  print('(in-cluster mode: it watches the routing-table ConfigMap the operator publishes)\n')
  const gateway = await startInClusterGateway({
    workDirectory: work,
    access: gatewayAccess(config, tokenOf(kubectl, system, 'strata-gateway'), work),
    namespace: system,
    emulatorUrl: emulator.url,
    port: process.env['STRATA_DEMO_PORT'] ?? '8080',
  })
  keep(gateway)

  const clientFor = async (project: string) => {
    const secret = await core.readNamespacedSecret({
      name: `${project}-openai`,
      namespace: project,
    })
    const decode = (key: string) => Buffer.from(secret.data?.[key] ?? '', 'base64').toString()
    print(`${project}-openai: OPENAI_BASE_URL=${decode('OPENAI_BASE_URL')}\n`)
    print(`   (in cluster; this demo reaches ${gateway.url}/v1)\n`)
    print(`   OPENAI_API_KEY=${decode('OPENAI_API_KEY').slice(0, 14)}…\n`)
    const key = decode('OPENAI_API_KEY')
    return { key, client: new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key }) }
  }
  step('reading the Secrets support-openai and research-openai that the operator wrote')
  const support = await clientFor('support')
  const research = await clientFor('research')

  await projectTour(support.client, research.client)
  metricsReport([await (await fetch(`${gateway.url}/metrics`)).text()])
  // Anything the chart's RBAC refused would only show in the programs' logs: fail loudly on it.
  for (const program of [operator, gateway]) {
    const refused = (await program.log()).split('\n').find((line) => /forbidden/i.test(line))
    if (refused) throw new Error(`the chart's RBAC refused a call: ${refused}`)
  }

  return `  curl -s ${gateway.url}/v1/chat/completions -H 'Authorization: Bearer ${support.key}' \\
    -H 'Content-Type: application/json' -d '{"model":"support-chat","messages":[{"role":"user","content":"hi"}]}'
  curl -s ${gateway.url}/metrics | grep gen_ai_client_cost_usd_total
  export KUBECONFIG=${plane.kubeconfig}; kubectl get bp,mr -A`
}
