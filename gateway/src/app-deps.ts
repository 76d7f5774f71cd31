// What createApp needs from the outside world. Everything that touches env, the clock, randomness
// or the network comes in here, so tests build an app with stubs and server.ts with real parts.
import type { Logger } from './app-logger.ts'
import type { ServiceAccountAuth } from './auth/service-account-auth.ts'
import type { ChatBackend } from './backends/chat-backend.ts'
import type { BackendKind } from './backends/backend-target.ts'
import type { EmbeddingsBackend } from './backends/embeddings-backend.ts'
import type { MessagesBackend } from './backends/messages-backend.ts'
import type { ResponsesBackend } from './backends/responses-backend.ts'
import type { Limiter } from './limits/limiter.ts'
import type { GatewayMetrics } from './metrics/gateway-metrics.ts'
import type { ContentCapture } from './observe/content-capture.ts'
import type { PriceTable } from './observe/cost.ts'
import type { RecordListener } from './observe/request-record.ts'
import type { Resilience } from './resilience/resilience.ts'
import type { RandomSource } from './resilience/attempt-order.ts'
import type { RoutingIndex } from './routing/routing-index.ts'

export interface AppOptions {
  /** Largest request body accepted, in bytes; larger ones get 413. */
  maxBodyBytes: number
  /** Idle time after which a stream sends an SSE comment so proxies keep the connection open. */
  keepAliveMs: number
  /** Model requests worked on at once; more get 503 `overloaded` at once. 0: no bound. */
  maxInFlight?: number
}

export const defaultAppOptions: AppOptions = {
  // Bedrock accepts images up to 3.75 MB each, base64 in JSON grows by a third: leave room for a few.
  maxBodyBytes: 20 * 1024 * 1024,
  keepAliveMs: 15_000,
}

export interface AppDeps {
  /** The routing index in service right now; undefined until a valid table has been loaded. */
  routing: () => RoutingIndex | undefined
  backends: Record<BackendKind, ChatBackend | undefined>
  metrics: GatewayMetrics
  /** Epoch milliseconds. */
  clock: () => number
  /** Monotonic milliseconds (performance.now) for durations; the epoch clock can jump. */
  now: () => number
  /** Hear every API request start and close: metrics, the access log, token accounting. */
  requestListeners: readonly RecordListener[]
  /** Prices for gen_ai_client_cost_usd_total; observe/cost.ts defaultPriceTable when absent. */
  prices?: PriceTable
  /** Only with --log-content: keeps prompts and answers for the access log. */
  contentCapture?: ContentCapture
  /** A fresh `chatcmpl-…` id. */
  newId: () => string
  random: RandomSource
  logger: Logger
  options: AppOptions
  /** With --shed-loop-delay-ms: the event loop's smoothed delay, which bounds the requests admitted. */
  loopDelay?: { delayMs: () => number; boundMs: number }
  /** The Responses API (`/v1/responses`); without it the route answers 503. */
  responses?: {
    backends: Record<BackendKind, ResponsesBackend | undefined>
    /** A fresh `resp_…` id. */
    newId: () => string
  }
  /** Rate limits and budgets (limits/); without it nothing is limited. */
  limits?: Limiter
  /** ServiceAccount tokens accepted as API keys (TokenReview); without it only keys are. */
  serviceAccounts?: ServiceAccountAuth
  /** The Embeddings API (`/v1/embeddings`); without it the route answers 503. */
  embeddings?: {
    backends: Record<BackendKind, EmbeddingsBackend | undefined>
  }
  /** Anthropic's Messages API (`/v1/messages`); without it the route answers 503. */
  messages?: {
    backends: Record<BackendKind, MessagesBackend | undefined>
  }
  /** Circuits, retry budgets and Retry-After pauses; createApp makes fresh ones when left out. */
  resilience?: Resilience
  /** True once the process is stopping: /readyz fails so the Service stops sending traffic. */
  stopping?: () => boolean
}
