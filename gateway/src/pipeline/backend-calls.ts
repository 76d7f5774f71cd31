// What chat completions, responses and messages share once the alias is resolved: each candidate
// backend's request is dispatched once (reasoning and budgets depend on the family) and reused by
// its attempts, its shadow copy and the dropped-parameter announcement; each call carries the
// project's attribution and guardrail; the attempts go through resilience/run-attempts.ts, shadow
// copies through resilience/shadow.ts, and dropped parameters are announced for the backend that
// actually served.
import type { Route, RouteBackend } from '@strata/crds'
import type { Context } from 'hono'
import type { AppDeps } from '../app-deps.ts'
import type { GatewayEnv } from '../gateway-env.ts'
import type { BackendKind, BackendTarget } from '../backends/backend-target.ts'
import type { Dispatched } from '../dispatch/dispatch-request.ts'
import { guardrailTarget } from '../guardrails/guardrail-target.ts'
import { deferredStream } from '../resilience/deferred-stream.ts'
import type { Resilience } from '../resilience/resilience.ts'
import { firstItem } from '../resilience/resume-stream.ts'
import { implementationOf, stickyValueOf } from './route-hooks.ts'
import { runAttempts } from '../resilience/run-attempts.ts'
import { drain, mirror } from '../resilience/shadow.ts'
import { backendTarget } from '../backends/backend-target.ts'
import { announceDropped } from './announce-dropped.ts'
import { nodeResponseOf } from '../node-env.ts'
import { nodeSink, webSink } from './sse-sink.ts'
import type { SseStart } from './sse-response.ts'
import { droppedHeaders } from './stream-dropped.ts'
import type { StopReasonListener } from '../observe/stop-reason.ts'
import type { TokenUsage } from '../observe/token-usage.ts'
import type { OpenRecord } from '../observe/request-record.ts'

export interface BackendCallsInput<B, R, C> {
  c: Context<GatewayEnv>
  deps: Pick<AppDeps, 'logger' | 'metrics' | 'now' | 'options'> & { resilience: Resilience }
  /** Names the API in a 503 when no backend kind implements it, e.g. "Responses API". */
  api: string
  route: Route
  backends: Partial<Record<BackendKind, B | undefined>> | undefined
  /** The request for one candidate; called at most once per candidate. */
  prepareFor: (backend: RouteBackend) => Dispatched<R>
  /** What every call's context holds besides its signal (ids, timestamps, the alias). */
  context: C
  /** The alias the client sent, for the dropped-parameter log line. */
  model: string
  /** Narrows the backends of an implemented kind, e.g. to Claude models for the Messages API. */
  serves?: (backend: RouteBackend) => boolean
}

/** One attempt's call, ready to go. */
export interface BackendCall<B, R, C> {
  backend: B
  request: R
  target: BackendTarget
  context: C & { signal: AbortSignal; onStopReason?: StopReasonListener }
}

/** How one API's backends answer: once, as JSON, or as a stream of items. */
export interface Answers<B, R, C, A, E> {
  stream: boolean
  create: (call: BackendCall<B, R, C>) => Promise<A>
  open: (call: BackendCall<B, R, C>) => AsyncIterable<E>
  /** Whether an item carries model output; the items before it are held back (firstItem). */
  isFirstToken: (item: E) => boolean
  usageOf: (answer: A) => TokenUsage | undefined
  /** The SSE answer over the served stream (chat-completions-stream.ts and its siblings). */
  respond: (start: SseStart<E>) => Promise<Response>
}

export interface BackendCalls<B, R, C> {
  /**
   * Serves the request: a shadow copy to the route's shadow backend, if it has one (never
   * awaited), then the attempts, to one JSON answer or to a stream that may outlast the 200
   * (sse-response.ts keep-alives). The record takes the first token and the usage, and what the
   * serving backend dropped is announced: in the 200's headers, or in the log line when a stream
   * starts before it is known.
   */
  serve<A extends object, E>(answers: Answers<B, R, C, A, E>): Promise<Response>
}

// Made outside backendCalls: a stream's translator keeps this listener until the stream ends, and
// a closure made inside would keep the whole request (its context, body and prepared requests)
// alive with it, for the garbage collector to mark.
function recordStopReason(open: OpenRecord): StopReasonListener {
  return (stopReason) => {
    open.record.stopReason = stopReason
  }
}

export function backendCalls<B, R, C>(input: BackendCallsInput<B, R, C>): BackendCalls<B, R, C> {
  const { c, deps, route } = input
  const caller = c.get('caller')
  const open = c.get('record')
  const implemented = (backend: RouteBackend): boolean =>
    input.backends?.[backend.kind] !== undefined && (input.serves?.(backend) ?? true)
  // A failed dispatch (a strict route's 400) is not kept: it throws again for whoever asks.
  const dispatched = new Map<RouteBackend, Dispatched<R>>()
  const prepared = (backend: RouteBackend): Dispatched<R> => {
    let found = dispatched.get(backend)
    if (found === undefined) {
      found = input.prepareFor(backend)
      dispatched.set(backend, found)
    }
    return found
  }
  const callOn = (
    backend: RouteBackend,
    signal: AbortSignal,
    onStopReason?: StopReasonListener,
  ): BackendCall<B, R, C> => ({
    backend: implementationOf(input.backends, backend),
    request: prepared(backend).request,
    target: {
      ...backendTarget(backend, caller.project.projectId),
      ...guardrailTarget(caller.project, route, (labels) =>
        deps.metrics.guardrailInterventions.inc(labels),
      ),
    },
    context: { ...input.context, signal, ...(onStopReason === undefined ? {} : { onStopReason }) },
  })
  // The record keeps the stop reason of the attempt that answered: each attempt starts without one,
  // so a failed attempt's (a malformed answer before a fallback) is not taken for the answer's.
  const stopReasonToRecord = recordStopReason(open)
  const attemptOn = (backend: RouteBackend, signal: AbortSignal): BackendCall<B, R, C> => {
    open.record.stopReason = undefined
    return callOn(backend, signal, stopReasonToRecord)
  }
  const attempts = {
    route,
    open,
    clientSignal: c.req.raw.signal,
    stickyValue: stickyValueOf(route, (name) => c.req.header(name)),
    implemented,
    api: input.api,
  }
  async function answer<A extends object>(
    create: (call: BackendCall<B, R, C>) => Promise<A>,
    usageOf: (answer: A) => TokenUsage | undefined,
  ): Promise<Response> {
    const served = await runAttempts(deps.resilience, {
      ...attempts,
      run: (backend, call) => create(attemptOn(backend, call.signal)),
    })
    try {
      open.record.firstTokenAt = deps.now()
      open.record.usage = usageOf(served.value)
      const { dropped } = prepared(served.candidate.backend)
      announceDropped(c, deps.logger, dropped, served.candidate.backend.kind, input.model)
      return c.json(served.value)
    } finally {
      served.finish()
    }
  }
  function stream<E>(
    openStream: (call: BackendCall<B, R, C>) => AsyncIterable<E>,
    isFirstToken: (item: E) => boolean,
  ): SseStart<E> {
    const deferred = deferredStream(c.req.raw.signal, (clientSignal) =>
      runAttempts(deps.resilience, {
        ...attempts,
        clientSignal,
        run: (backend, call) =>
          firstItem(openStream(attemptOn(backend, call.signal)), isFirstToken),
      }),
    )
    const outgoing = nodeResponseOf(c.env)
    return {
      sink: outgoing === undefined ? webSink() : nodeSink(outgoing),
      startHeaders: () => droppedHeaders(deferred, prepared, deps.logger, input.model),
      items: deferred.items,
      call: deferred.call,
      keepAliveMs: deps.options.keepAliveMs,
      logger: deps.logger,
      record: open,
      now: deps.now,
    }
  }
  return {
    serve(answers) {
      mirror(deps.resilience, {
        route,
        implemented,
        send: (backend, signal) => {
          const call = callOn(backend, signal)
          return answers.stream ? drain(answers.open(call)) : answers.create(call)
        },
      })
      if (!answers.stream) return answer(answers.create, answers.usageOf)
      return answers.respond(stream(answers.open, answers.isFirstToken))
    },
  }
}
