// One single-node cluster shared by every test in the `pods` project: the images built from
// docker/*.Dockerfile, the control plane with a node, and Strata installed with helm on it.
import type { TestProject } from 'vitest/node'
import { startControlPlane, type ControlPlane } from '../control-plane/control-plane.ts'
import { nodeUnsupportedReason } from '../control-plane/node-host.ts'
import { ensureImages, nodeImages } from '../images/images.ts'
import { clusterFor } from './kubectl.ts'
import { installStrata, type InstallFigures, type PodImages } from './install-strata.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    podKubeconfig: string
    podImages: PodImages
    installFigures: InstallFigures & { nodeStartMs: number }
    /** Images of the parts around Strata: Prometheus and KEDA. */
    podExtraImages: { prometheus: string; keda: string }
    /** The node's directory; its containerd socket is `containerd/containerd.sock` below it. */
    podNodeDir: string
  }
}

let plane: ControlPlane | undefined

const log = (message: string) => process.stderr.write(`[pods] ${message}\n`)

export async function setup(project: TestProject): Promise<void> {
  const unsupported = nodeUnsupportedReason()
  if (unsupported)
    throw new Error(`the pod tests need a node, and this machine cannot run one: ${unsupported}`)
  const images = ensureImages()
  const began = Date.now()
  plane = await startControlPlane({
    node: nodeImages(images),
  })
  const nodeStartMs = Date.now() - began
  const podImages: PodImages = {
    operator: images.operator.ref,
    gateway: images.gateway.ref,
    emulator: images.emulator.ref,
    client: images.client.ref,
  }
  const figures = await installStrata(clusterFor(plane.kubeconfig), podImages)
  log(`node up in ${String(nodeStartMs)} ms; Strata installed: ${JSON.stringify(figures)}`)
  project.provide('podKubeconfig', plane.kubeconfig)
  project.provide('podImages', podImages)
  project.provide('installFigures', { ...figures, nodeStartMs })
  project.provide('podExtraImages', {
    prometheus: images.prometheus.ref,
    keda: images.keda.ref,
  })
  project.provide('podNodeDir', plane.node?.layout.dir ?? '')
}

export async function teardown(): Promise<void> {
  await plane?.stop()
}
