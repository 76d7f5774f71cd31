// One real control plane shared by every test in the `cluster` project.
import type { TestProject } from 'vitest/node'
import { startControlPlane, type ControlPlane } from '../control-plane/control-plane.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string
  }
}

let plane: ControlPlane | undefined

export async function setup(project: TestProject): Promise<void> {
  plane = await startControlPlane()
  project.provide('kubeconfig', plane.kubeconfig)
}

export async function teardown(): Promise<void> {
  await plane?.stop()
}
