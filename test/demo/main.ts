// `make demo`: the main job. For now it starts the local control plane and shows that it
// answers; later issues add the emulator, operator, gateway and OpenAI calls to this script.
import { execFileSync } from 'node:child_process'
import { startControlPlane } from '../control-plane/control-plane.ts'

const step = (message: string) => process.stdout.write(`\n==> ${message}\n`)

step('starting the local control plane (etcd, kube-apiserver, kube-controller-manager)')
const plane = await startControlPlane()
let stopping = false
const shutdown = async () => {
  if (stopping) return
  stopping = true
  step('stopping')
  await plane.stop()
  process.exit(0)
}
process.on('SIGINT', () => void shutdown())
process.on('SIGTERM', () => void shutdown())

step(`kubectl get --raw /version   (KUBECONFIG=${plane.kubeconfig})`)
process.stdout.write(
  execFileSync(
    plane.binaries.kubectl,
    ['--kubeconfig', plane.kubeconfig, 'get', '--raw', '/version'],
    { encoding: 'utf8' },
  ),
)
step('kubectl get namespaces')
process.stdout.write(
  execFileSync(plane.binaries.kubectl, ['--kubeconfig', plane.kubeconfig, 'get', 'namespaces'], {
    encoding: 'utf8',
  }),
)

if (process.env['STRATA_DEMO_EXIT']) await shutdown()
step(`running; export KUBECONFIG=${plane.kubeconfig} to use it. Ctrl-C stops everything.`)
setInterval(() => undefined, 1 << 30)
