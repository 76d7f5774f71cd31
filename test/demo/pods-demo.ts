// `make demo` on a real node: the images built from docker/*.Dockerfile, a single-node cluster
// (control plane, containerd, kubelet, kube-proxy, CoreDNS), the Bedrock emulator as a pod behind
// a Service, `helm install` of charts/strata with those images, the example manifests, then a
// client pod that holds nothing but its project's Secret, and each project's calls through the
// Service strata-gateway with the official openai client.
import OpenAI from 'openai'
import { startControlPlane } from '../control-plane/control-plane.ts'
import { ensureImages, nodeImages } from '../images/images.ts'
import { clusterFor, runClient, system } from '../pods/kubectl.ts'
import { componentPods, secretValue, serviceIp } from '../pods/cluster-reads.ts'
import { installStrata } from '../pods/install-strata.ts'
import { metricsReport, projectTour } from './tour.ts'
import { onShutdown, print, step } from './session.ts'

export async function podsDemo(): Promise<string> {
  step('building the images from docker/*.Dockerfile with buildah (cached after the first run)')
  const images = ensureImages()

  step('starting a single-node cluster: control plane, containerd, kubelet, kube-proxy, CoreDNS')
  const plane = await startControlPlane({
    node: nodeImages(images),
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

  const ip = serviceIp(cluster, 'strata-gateway')
  step(`from this node, through the Service strata-gateway (${ip}), each project's own key`)
  const client = (project: string) =>
    new OpenAI({
      baseURL: `http://${ip}/v1`,
      apiKey: secretValue(cluster, project, 'OPENAI_API_KEY'),
    })
  await projectTour(client('support'), client('research'))

  const podIps = componentPods(cluster, 'gateway').map((pod) => pod.status.podIP)
  metricsReport(
    await Promise.all(
      podIps.map(async (podIp) => (await fetch(`http://${podIp}:8080/metrics`)).text()),
    ),
  )
  return `  export KUBECONFIG=${plane.kubeconfig}
  kubectl get pods -A; kubectl get bp,mr -A; kubectl logs -n ${system} deploy/strata-gateway
  curl -s http://${ip}/v1/models -H "Authorization: Bearer $(kubectl get secret support-openai -n support -o jsonpath='{.data.OPENAI_API_KEY}' | base64 -d)"`
}
