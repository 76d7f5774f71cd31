// The Bedrock emulator: one loopback HTTP/1.1 server whose API surfaces (one module each) are
// picked by an explicit route registry. Every request except the control API is recorded.
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { parseAuthorization } from './auth.ts'
import { sendAwsError, sendErrorResponse } from './aws-errors.ts'
import { controlPlaneRoutes } from './control-plane.ts'
import { controlRoutes } from './control.ts'
import { converseRoutes } from './converse.ts'
import { guardrailRoutes } from './guardrails.ts'
import { createEmulatorState, resetState, type EmulatorState } from './emulator-state.ts'
import { parseBody, readBody } from './http-io.ts'
import { invokeModelRoutes } from './invoke-model.ts'
import { anthropicInvokeRoutes } from './anthropic-invoke.ts'
import { mantleRoutes } from './mantle.ts'
import { projectRoutes } from './projects.ts'
import { flattenHeaders, type RecordedRequest } from './request-log.ts'
import { Router } from './router.ts'
import { scriptEntrySchema, type ScriptEntry, type ScriptEntryInput } from './scenarios.ts'

export interface EmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number
  /** Address to listen on; 127.0.0.1 by default, 0.0.0.0 in a pod so a Service can reach it. */
  host?: string
  /** Region in the ARNs the emulator mints; us-east-1 by default. */
  region?: string
  /** Account in the ARNs the emulator mints; 123456789012 by default. */
  accountId?: string
  /** Refuse application-inference-profile ARNs the control plane never created. */
  strictProfiles?: boolean
  /** Keep every request for the control API (the default); benchmarks turn it off. */
  recordRequests?: boolean
}

export interface Emulator {
  /** Base URL, e.g. http://127.0.0.1:40123; use it as the SDK endpoint. */
  url: string
  /** Queues a scenario; throws a ZodError when it is malformed. */
  script(entry: ScriptEntryInput): void
  requests(): RecordedRequest[]
  pendingScenarios(): ScriptEntry[]
  /** Forgets scenarios, recorded requests, projects (but `default`) and inference profiles. */
  reset(): void
  close(): Promise<void>
}

function createRouter(state: EmulatorState): Router {
  return new Router().add(
    ...controlRoutes(state),
    ...converseRoutes(state),
    ...guardrailRoutes(state),
    ...invokeModelRoutes(state),
    ...anthropicInvokeRoutes(state),
    ...mantleRoutes(state),
    ...projectRoutes(state),
    ...controlPlaneRoutes(state),
  )
}

async function serve(
  router: Router,
  state: EmulatorState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const startedAt = performance.now()
  const requestId = randomUUID()
  const method = req.method ?? 'GET'
  const path = req.url ?? '/'
  // Split rather than new URL(): a path like `//x` would be read as a host, and must not throw.
  const found = router.match(method, path.split('?')[0] ?? path)
  const record: RecordedRequest = {
    requestId,
    operation: found?.route.operation ?? 'unknown',
    method,
    path,
    headers: flattenHeaders(req.headers),
    body: undefined,
    auth: parseAuthorization(req.headers.authorization),
  }
  const modelId = found?.params['modelId']
  if (modelId !== undefined) record.modelId = modelId
  // OpenAI SDKs send the project as a header (`new OpenAI({ project })`), docs/reference/mantle.md.
  const project = record.headers['openai-project']
  if (project !== undefined) record.project = project
  if (found?.route.record !== false && state.config.recordRequests) state.log.add(record)

  const disconnected = new AbortController()
  let resetByUs = false
  res.on('close', () => {
    if (res.writableFinished) return
    disconnected.abort()
    if (!resetByUs) record.aborted = true
  })
  try {
    record.body = parseBody(await readBody(req))
    if (found === undefined) {
      const message = `No route for ${method} ${path}`
      sendErrorResponse(res, requestId, 'UnknownOperationException', 404, message)
      return
    }
    await found.route.handle({
      req,
      res,
      params: found.params,
      body: record.body,
      record,
      requestId,
      signal: disconnected.signal,
      startedAt,
      resetConnection: () => {
        resetByUs = true
        req.socket.destroy()
      },
    })
  } catch (error) {
    fail(req, res, requestId, error)
  }
}

/** A bug in a handler must reach the test as a 500, not as a silently stuck request. */
function fail(req: IncomingMessage, res: ServerResponse, requestId: string, error: unknown): void {
  // A client that vanished mid-body is already recorded as aborted; there is no one to answer.
  if (res.destroyed || req.socket.destroyed) return
  if (res.headersSent) {
    res.destroy()
    return
  }
  const message = error instanceof Error ? error.message : String(error)
  sendAwsError(res, requestId, 'InternalServerException', `Emulator error: ${message}`)
}

export function createEmulatorServer(state: EmulatorState): Server {
  const router = createRouter(state)
  return createServer((req, res) => {
    void serve(router, state, req, res)
  })
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const state = createEmulatorState({
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.accountId === undefined ? {} : { accountId: options.accountId }),
    ...(options.strictProfiles === undefined ? {} : { strictProfiles: options.strictProfiles }),
    ...(options.recordRequests === undefined ? {} : { recordRequests: options.recordRequests }),
  })
  const server = createEmulatorServer(state)
  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://${host}:${port}`,
    script: (entry) => {
      state.scenarios.add(scriptEntrySchema.parse(entry))
    },
    requests: () => state.log.all(),
    pendingScenarios: () => state.scenarios.pending(),
    reset: () => {
      resetState(state)
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error) reject(error)
          else resolve()
        })
        // Hanging exchanges and idle keep-alive sockets would otherwise hold close() open.
        server.closeAllConnections()
      }),
  }
}
