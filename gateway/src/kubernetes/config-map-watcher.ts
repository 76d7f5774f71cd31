// Serves the routing table published as a ConfigMap, watched through the Kubernetes API: list to
// get the object and a resourceVersion, then watch from there. A 410 Gone (history compacted)
// re-lists, any other failure reconnects with capped backoff, and a watchdog reconnects when the
// stream goes silent, since bookmarks arrive about once a minute on a healthy watch.
// Reference: https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes
import { request } from 'undici'
import { decodeTableConfigMap, type ConfigMapPayload, type RoutingTable } from '@strata/crds'
import type { KubeApiAccess } from './api-access.ts'

export interface ConfigMapWatcherOptions {
  api: KubeApiAccess
  namespace: string
  name: string
  onTable: (table: RoutingTable) => void
  onInvalid: (error: unknown) => void
  log: (message: string) => void
  watchdogMs?: number
}

export interface ConfigMapWatcher {
  /** Resolves after the first list, whether or not it found a valid table. */
  ready: Promise<void>
  close(): void
}

interface ConfigMapObject extends ConfigMapPayload {
  metadata?: { resourceVersion?: string }
}

class GoneError extends Error {}

export function watchRoutingTableConfigMap(options: ConfigMapWatcherOptions): ConfigMapWatcher {
  const { api, namespace, name } = options
  const base = `${api.server}/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps`
  const selector = `fieldSelector=${encodeURIComponent(`metadata.name=${name}`)}`
  const controller = new AbortController()
  let lastServed: string | undefined
  let markReady: () => void = () => undefined
  const ready = new Promise<void>((resolve) => (markReady = resolve))

  function serve(object: ConfigMapObject): void {
    const key = JSON.stringify([object.data, object.binaryData])
    if (key === lastServed) return
    lastServed = key
    const decoded = decodeTableConfigMap(object)
    if (decoded.ok) options.onTable(decoded.table)
    else options.onInvalid(new Error(`ConfigMap ${namespace}/${name}: ${decoded.error}`))
  }

  async function get(url: string, signal: AbortSignal) {
    const response = await request(url, {
      dispatcher: api.dispatcher,
      headers: { authorization: `Bearer ${api.token()}`, accept: 'application/json' },
      signal,
    })
    if (response.statusCode === 410) {
      await response.body.dump()
      throw new GoneError('resource version too old')
    }
    if (response.statusCode !== 200) {
      const text = await response.body.text()
      throw new Error(
        `GET ${url.replace(api.server, '')}: ${response.statusCode} ${text.slice(0, 200)}`,
      )
    }
    return response
  }

  async function list(): Promise<string> {
    const response = await get(`${base}?${selector}`, controller.signal)
    const body = (await response.body.json()) as {
      items?: ConfigMapObject[]
      metadata?: { resourceVersion?: string }
    }
    const object = body.items?.[0]
    if (object) serve(object)
    else options.onInvalid(new Error(`ConfigMap ${namespace}/${name} not found yet`))
    markReady()
    return body.metadata?.resourceVersion ?? ''
  }

  async function watch(resourceVersion: string): Promise<string> {
    const watchdogMs = options.watchdogMs ?? 150_000
    const attempt = new AbortController()
    const abort = () => attempt.abort()
    controller.signal.addEventListener('abort', abort)
    let watchdog = setTimeout(abort, watchdogMs)
    let version = resourceVersion
    try {
      const url = `${base}?${selector}&watch=1&allowWatchBookmarks=true&timeoutSeconds=300&resourceVersion=${encodeURIComponent(version)}`
      const response = await get(url, attempt.signal)
      let buffered = ''
      for await (const chunk of response.body) {
        clearTimeout(watchdog)
        watchdog = setTimeout(abort, watchdogMs)
        buffered += (chunk as Buffer).toString('utf8')
        let newline: number
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline).trim()
          buffered = buffered.slice(newline + 1)
          if (!line) continue
          const event = JSON.parse(line) as {
            type: string
            object: ConfigMapObject & { code?: number }
          }
          if (event.type === 'ERROR') {
            if (event.object.code === 410) throw new GoneError('watch expired')
            throw new Error(`watch error event: ${JSON.stringify(event.object).slice(0, 200)}`)
          }
          version = event.object.metadata?.resourceVersion ?? version
          if (event.type === 'ADDED' || event.type === 'MODIFIED') serve(event.object)
          if (event.type === 'DELETED')
            options.onInvalid(
              new Error(`ConfigMap ${namespace}/${name} was deleted; serving the last table`),
            )
        }
      }
      return version
    } finally {
      clearTimeout(watchdog)
      controller.signal.removeEventListener('abort', abort)
    }
  }

  async function run(): Promise<void> {
    let failures = 0
    let version: string | undefined
    const stopped = () => controller.signal.aborted
    while (!stopped()) {
      try {
        version ??= await list()
        version = await watch(version)
        failures = 0
      } catch (error) {
        if (stopped()) return
        if (error instanceof GoneError) {
          version = undefined
          continue
        }
        markReady()
        const delay = Math.min(500 * 2 ** failures++, 30_000)
        options.log(
          `routing table watch: ${error instanceof Error ? error.message : String(error)}; retrying in ${delay} ms`,
        )
        await new Promise((resolve) => setTimeout(resolve, delay))
      }
    }
  }

  void run()
  return {
    ready,
    close: () => {
      controller.abort()
    },
  }
}
