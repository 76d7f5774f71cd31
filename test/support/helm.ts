// The real helm binary (built with the control plane, see test/control-plane/binaries.ts) for
// chart tests: lint, template into parsed objects, install. Helm's own state lives in a temporary
// directory so a developer's repositories and plugins never leak into a test.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { KubernetesObject } from '@kubernetes/client-node'
import { parse, parseAllDocuments } from 'yaml'
import { ensureBinaries } from '../control-plane/binaries.ts'

export const chartDirectory = join(import.meta.dirname, '..', '..', 'charts', 'strata')

export interface RunResult {
  status: number
  stdout: string
  stderr: string
}

export interface Helm {
  helmPath: string
  kubectlPath: string
  run(args: string[]): RunResult
  /** Runs and throws with helm's stderr when it fails. */
  ok(args: string[]): string
}

export function createHelm(): Helm {
  const { helm: helmPath, kubectl: kubectlPath } = ensureBinaries()
  const home = mkdtempSync(join(tmpdir(), 'strata-helm-'))
  const env = {
    PATH: process.env['PATH'],
    HOME: home,
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
  }
  const run = (args: string[]): RunResult => {
    const result = spawnSync(helmPath, args, { encoding: 'utf8', env, timeout: 120_000 })
    return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr }
  }
  return {
    helmPath,
    kubectlPath,
    run,
    ok: (args) => {
      const result = run(args)
      if (result.status !== 0)
        throw new Error(`helm ${args.join(' ')} failed (${result.status}):\n${result.stderr}`)
      return result.stdout
    },
  }
}

/** The chart's appVersion, the default image tag. */
export function chartAppVersion(): string {
  const chart = parse(readFileSync(join(chartDirectory, 'Chart.yaml'), 'utf8')) as {
    appVersion: string
  }
  return chart.appVersion
}

/** Every non-empty document of a multi-document YAML stream. */
export function parseManifests(text: string): KubernetesObject[] {
  return parseAllDocuments(text)
    .map((document) => document.toJS() as KubernetesObject | null)
    .filter((object): object is KubernetesObject => object !== null)
}

/** The one object of this kind and name; throws when absent. */
export function pick(objects: KubernetesObject[], kind: string, name: string): KubernetesObject {
  const found = objects.find((object) => object.kind === kind && object.metadata?.name === name)
  if (!found)
    throw new Error(
      `no ${kind} ${name} among: ${objects.map((o) => `${o.kind ?? ''}/${o.metadata?.name ?? ''}`).join(', ')}`,
    )
  return found
}

export const kindsOf = (objects: KubernetesObject[]): string[] =>
  objects.map((object) => `${object.kind ?? ''}/${object.metadata?.name ?? ''}`).sort()
