// Route registry: method + path pattern → handler, one module of routes per API surface.
// Patterns use AWS-style labels (`/model/{modelId}/converse`). A label matches one raw path
// segment and is percent-decoded, because the SDK encodes `:` and `/` inside ARNs.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { RecordedRequest } from './request-log.ts'

export interface Exchange {
  req: IncomingMessage
  res: ServerResponse
  params: Record<string, string>
  body: unknown
  /** Live record of this request (not kept in the log for unrecorded routes). */
  record: RecordedRequest
  requestId: string
  /** Aborted when the client disconnects before the response is complete. */
  signal: AbortSignal
  /** performance.now() when the request arrived, for metrics.latencyMs. */
  startedAt: number
  /** Drop the connection on purpose; not counted as a client abort. */
  resetConnection(): void
}

export interface Route {
  method: string
  pattern: string
  /** Name recorded for the request and used by scenario matching. */
  operation: string
  /** Control routes set false so they do not show up among recorded requests. */
  record?: boolean
  handle(exchange: Exchange): Promise<void>
}

interface CompiledRoute {
  route: Route
  segments: string[]
}

export interface RouteMatch {
  route: Route
  params: Record<string, string>
}

function splitPath(pathname: string): string[] {
  return pathname.split('/').slice(1)
}

function labelName(segment: string): string | undefined {
  return segment.startsWith('{') && segment.endsWith('}') ? segment.slice(1, -1) : undefined
}

function matchSegments(pattern: string[], path: string[]): Record<string, string> | undefined {
  if (pattern.length !== path.length) return undefined
  const params: Record<string, string> = {}
  for (const [i, expected] of pattern.entries()) {
    const actual = path[i] ?? ''
    const label = labelName(expected)
    if (label === undefined) {
      if (actual !== expected) return undefined
      continue
    }
    if (actual === '') return undefined
    try {
      params[label] = decodeURIComponent(actual)
    } catch {
      return undefined
    }
  }
  return params
}

export class Router {
  #routes: CompiledRoute[] = []

  add(...routes: Route[]): this {
    for (const route of routes) this.#routes.push({ route, segments: splitPath(route.pattern) })
    return this
  }

  match(method: string, pathname: string): RouteMatch | undefined {
    const path = splitPath(pathname)
    for (const { route, segments } of this.#routes) {
      if (route.method !== method) continue
      const params = matchSegments(segments, path)
      if (params !== undefined) return { route, params }
    }
    return undefined
  }
}
