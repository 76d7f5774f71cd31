// `make demo` on a real node: the images built from docker/*.Dockerfile, a single-node cluster
// (control plane, containerd, kubelet, kube-proxy, CoreDNS), the Bedrock emulator as a pod behind
// a Service, `helm install` of charts/strata with those images, the example manifests, then a
// client pod that holds nothing but its project's Secret, and each project's calls through the
// Service strata-gateway with the official openai client.
import OpenAI from 'openai'
import { startControlPlane } from '../control-plane/control-plane.ts'
import { ensureImages } from '../images/images.ts'
import { clusterFor, runClient, system, type Cluster } from '../pods/kubectl.ts'
import { installStrata } from '../pods/install-strata.ts'
import { metricsReport, projectTour } from './tour.ts'
import { onShutdown, print, step } from './session.ts'

const secretValue = (cluster: Cluster, project: string, key: string): string =>
  Buffer.from(
    cluster.kubectl(
      'get',
      'secret',
      `${project}-openai`,
      '-n',
      project,
      '-o',
      `jsonpath={.data.${key}}`,
    ),
    'base64',
  ).toString()

export async function podsDemo(): Promise<string> {
  step('building the images from docker/*.Dockerfile with buildah (cached after the first run)')
  const images = ensureImages()

  step('starting a single-node cluster: control plane, containerd, kubelet, kube-proxy, CoreDNS')
  const plane = await startControlPlane({
    node: {
      sandboxImage: images.pause.ref,
      images: Object.values(images).map((image) => image.archive),
    },
    log: (message) => print(`  ${message}\n`),
  })
  onShutdown('the cluster (node included)', () => plane.stop())
  const cluster = clusterFor(plane.kubeconfig)
  print(cluster.kubectl('get', 'nodes', '-o', 'wide'))

  step('the Bedrock emulator as a pod; helm install strata; kubectl apply -f examples/manifests/')
  const figures = await installStrata(cluster, {
    operator: images.operator.ref,
    gateway: images.gateway.ref,
    emulator: images.emulator.ref,
    client: images.client.ref,
  })
  print(
    `  emulator Ready in ${(figures.emulatorReadyMs / 1000).toFixed(1)} s; helm install --wait ` +
      `${(figures.chartReadyMs / 1000).toFixed(1)} s; examples Ready ` +
      `${(figures.examplesReadyMs / 1000).toFixed(1)} s\n`,
  )
  print(cluster.kubectl('get', 'pods', '-A', '-o', 'wide'))
  print(cluster.kubectl('get', 'bp,mr', '-A'))

  step('a client pod in namespace research with only envFrom: secretRef research-openai')
  const smoke = await runClient(cluster, {
    name: 'demo-client',
    namespace: 'research',
    image: images.client.ref,
    project: 'research',
    args: ['smoke', '--model', 'summarise', '--embedding-model', 'embed'],
  })
  print(`  ${JSON.stringify(smoke)}\n`)
  if (smoke['phase'] !== 'Succeeded') throw new Error('the client pod failed')

  const ip = cluster.kubectl(
    'get',
    'service',
    'strata-gateway',
    '-n',
    system,
    '-o',
    'jsonpath={.spec.clusterIP}',
  )
  step(`from this node, through the Service strata-gateway (${ip}), each project's own key`)
  const client = (project: string) =>
    new OpenAI({
      baseURL: `http://${ip}/v1`,
      apiKey: secretValue(cluster, project, 'OPENAI_API_KEY'),
    })
  await projectTour(client('support'), client('research'))

  const podIps = cluster
    .kubectl(
      'get',
      'pods',
      '-n',
      system,
      '-l',
      'app.kubernetes.io/component=gateway',
      '-o',
      'jsonpath={.items[*].status.podIP}',
    )
    .split(' ')
  metricsReport(
    await Promise.all(
      podIps.map(async (podIp) => (await fetch(`http://${podIp}:8080/metrics`)).text()),
    ),
  )
  return `  export KUBECONFIG=${plane.kubeconfig}
  kubectl get pods -A; kubectl get bp,mr -A; kubectl logs -n ${system} deploy/strata-gateway
  curl -s http://${ip}/v1/models -H "Authorization: Bearer $(kubectl get secret support-openai -n support -o jsonpath='{.data.OPENAI_API_KEY}' | base64 -d)"`
}
