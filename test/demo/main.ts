// `make demo`: the whole system on one machine, offline. A real control plane, the Bedrock
// emulator standing in for AWS, strata-operator and strata-gateway as processes (no kubelet runs
// pods here), the example manifests applied with kubectl, and the official openai client calling
// the gateway with the credentials the operator generated. Ctrl-C stops everything.
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node'
import OpenAI from 'openai'
import { startControlPlane } from '../control-plane/control-plane.ts'
import { installCrds } from '../support/crds.ts'
import { grantGatewayAccess } from '../support/gateway-access.ts'
import { eventually, kubeConfigFrom } from '../support/kube.ts'
import {
  makeWorkDirectory,
  startEmulatorProcess,
  startInClusterGateway,
  startOperatorProcess,
  type RunningProcess,
} from '../support/processes.ts'

const repoRoot = join(import.meta.dirname, '..', '..')
const began = Date.now()
const step = (message: string) => {
  process.stdout.write(`\n==> [${((Date.now() - began) / 1000).toFixed(1)}s] ${message}\n`)
}
const running: RunningProcess[] = []

step('starting the local control plane (etcd, kube-apiserver, kube-controller-manager)')
const plane = await startControlPlane()
let stopping = false
const shutdown = async (code = 0) => {
  if (stopping) return
  stopping = true
  step('stopping everything')
  for (const process of running.reverse()) await process.stop()
  await plane.stop()
  process.exit(code)
}
process.on('SIGINT', () => void shutdown())
process.on('SIGTERM', () => void shutdown())

try {
  const kubectl = (...args: string[]) =>
    execFileSync(plane.binaries.kubectl, ['--kubeconfig', plane.kubeconfig, ...args], {
      encoding: 'utf8',
    })
  const config = kubeConfigFrom(plane.kubeconfig)
  const core = config.makeApiClient(CoreV1Api)
  process.stdout.write(kubectl('get', '--raw', '/version'))

  step('starting the Bedrock emulator (Converse, Mantle, Projects API, inference profiles)')
  const work = await makeWorkDirectory('demo')
  const emulator = await startEmulatorProcess(work)
  running.push(emulator)
  process.stdout.write(`emulator at ${emulator.url}\n`)

  step('installing the CRDs generated from the zod schemas')
  await installCrds(config)
  process.stdout.write(kubectl('get', 'crds'))
  for (const namespace of ['strata-system', 'support'])
    await core.createNamespace({ body: { metadata: { name: namespace } } })

  step('starting strata-operator as a process (no kubelet here to run its Deployment)')
  const operator = await startOperatorProcess({
    workDirectory: work,
    kubeconfig: plane.kubeconfig,
    namespace: 'strata-system',
    emulatorUrl: emulator.url,
  })
  running.push(operator)

  step('kubectl apply -f examples/manifests/support-project.yaml')
  process.stdout.write(
    kubectl('apply', '-f', join(repoRoot, 'examples/manifests/support-project.yaml')),
  )
  const custom = config.makeApiClient(CustomObjectsApi)
  await eventually(
    'the ModelRoutes to be Ready',
    async () => {
      const list = (await custom.listNamespacedCustomObject({
        group: 'strata.dev',
        version: 'v1alpha1',
        namespace: 'support',
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
  process.stdout.write(kubectl('get', 'bp,mr', '-n', 'support'))

  step('starting strata-gateway in in-cluster mode, watching the routing-table ConfigMap')
  const access = await grantGatewayAccess(config, 'strata-system', work)
  const gateway = await startInClusterGateway({
    workDirectory: work,
    access,
    namespace: 'strata-system',
    emulatorUrl: emulator.url,
    port: process.env['STRATA_DEMO_PORT'] ?? '8080',
  })
  running.push(gateway)

  step('reading the Secret support-openai that the operator wrote for envFrom')
  const secret = await core.readNamespacedSecret({ name: 'support-openai', namespace: 'support' })
  const decode = (key: string) => Buffer.from(secret.data?.[key] ?? '', 'base64').toString()
  process.stdout.write(
    `OPENAI_BASE_URL=${decode('OPENAI_BASE_URL')}   (in cluster; this demo reaches ${gateway.url}/v1)\n`,
  )
  process.stdout.write(`OPENAI_API_KEY=${decode('OPENAI_API_KEY').slice(0, 14)}…\n`)
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: decode('OPENAI_API_KEY') })

  step('GET /v1/models')
  for (const model of (await client.models.list()).data) process.stdout.write(`  ${model.id}\n`)

  step('chat completion on support-chat (Claude on Converse, through its inference profile)')
  const reply = await client.chat.completions.create({
    model: 'support-chat',
    messages: [{ role: 'user', content: 'Where is my order?' }],
  })
  process.stdout.write(
    `  ${reply.choices[0]?.message.content ?? ''}\n  usage: ${JSON.stringify(reply.usage)}\n`,
  )

  step('streaming chat completion on support-fast (90 % Haiku, 10 % Nova Lite)')
  const stream = await client.chat.completions.create({
    model: 'support-fast',
    messages: [{ role: 'user', content: 'Stream a short answer please' }],
    stream: true,
    stream_options: { include_usage: true },
  })
  process.stdout.write('  ')
  for await (const chunk of stream) {
    process.stdout.write(chunk.choices[0]?.delta.content ?? '')
    if (chunk.usage) process.stdout.write(`\n  usage: ${JSON.stringify(chunk.usage)}\n`)
  }

  step('gateway metrics excerpt')
  const metrics = await (await fetch(`${gateway.url}/metrics`)).text()
  process.stdout.write(
    `${metrics
      .split('\n')
      .filter((line) => line.startsWith('strata_'))
      .join('\n')}\n`,
  )

  if (process.env['STRATA_DEMO_EXIT']) await shutdown()
  step(`running. Try it:
  curl -s ${gateway.url}/v1/chat/completions -H 'Authorization: Bearer ${decode('OPENAI_API_KEY')}' \\
    -H 'Content-Type: application/json' -d '{"model":"support-chat","messages":[{"role":"user","content":"hi"}]}'
  export KUBECONFIG=${plane.kubeconfig}; kubectl get bp,mr -A
Ctrl-C stops everything.`)
  setInterval(() => undefined, 1 << 30)
} catch (error) {
  process.stderr.write(
    `demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  )
  await shutdown(1)
}
