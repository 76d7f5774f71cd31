// What chat completions and responses share once the alias is resolved: each candidate backend's
// request is dispatched once (reasoning and budgets depend on the family) and reused by its
// attempts, its shadow copy and the dropped-parameter announcement; each call carries the
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
import { deferredStream, type DeferredStream } from '../resilience/deferred-stream.ts'
import type { Resilience } from '../resilience/resilience.ts'
import type { FirstItem } from '../resilience/resume-stream.ts'
import { implementationOf, stickyValueOf } from './route-hooks.ts'
import { runAttempts } from '../resilience/run-attempts.ts'
import { mirror } from '../resilience/shadow.ts'
import { backendTarget } from '../backends/backend-target.ts'
import { announceDropped } from './announce-dropped.ts'
import { nodeResponseOf } from '../node-env.ts'
import { nodeSink, webSink, type SseSink } from './sse-sink.ts'
import { droppedHeaders } from './stream-dropped.ts'
import type { StopReasonListener } from '../observe/stop-reason.ts'
import type { TokenUsage } from '../observe/token-usage.ts'

export interface BackendCallsInput<B, R, C> {
  c: Context<GatewayEnv>
  deps: Pick<AppDeps, 'logger' | 'metrics' | 'now'> & { resilience: Resilience }
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

export interface BackendCalls<B, R, C> {
  /** Sends a sample to the route's shadow backend, if it has one; never awaited. */
  mirror(send: (call: BackendCall<B, R, C>) => Promise<unknown>): void
  /**
   * Runs the attempts to one JSON answer and sends it: the record takes its first token and its
   * usage, and what the serving backend dropped is announced.
   */
  answer<T extends object>(
    run: (call: BackendCall<B, R, C>) => Promise<T>,
    usageOf: (answer: T) => TokenUsage | undefined,
  ): Promise<Response>
  /** Starts the attempts to a stream that may outlast the 200 (sse-response.ts keep-alives). */
  attemptStream<T>(run: (call: BackendCall<B, R, C>) => Promise<FirstItem<T>>): DeferredStream<T>
  /**
   * Where a stream is written, and the headers of its 200: what the serving backend dropped, if
   * known by then (else the log line announces it).
   */
  streamTo<T>(stream: DeferredStream<T>): {
    sink: SseSink
    startHeaders: () => Record<string, string>
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
  const stopReasonToRecord: StopReasonListener = (stopReason) => {
    open.record.stopReason = stopReason
  }
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
  return {
    mirror(send) {
      mirror(deps.resilience, {
        route,
        implemented,
        send: (backend, signal) => send(callOn(backend, signal)),
      })
    },
    async answer(run, usageOf) {
      const served = await runAttempts(deps.resilience, {
        ...attempts,
        run: (backend, call) => run(attemptOn(backend, call.signal)),
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
    },
    attemptStream(run) {
      return deferredStream(c.req.raw.signal, (clientSignal) =>
        runAttempts(deps.resilience, {
          ...attempts,
          clientSignal,
          run: (backend, call) => run(attemptOn(backend, call.signal)),
        }),
      )
    },
    streamTo(stream) {
      const outgoing = nodeResponseOf(c.env)
      return {
        sink: outgoing === undefined ? webSink() : nodeSink(outgoing),
        startHeaders: () => droppedHeaders(stream, prepared, deps.logger, input.model),
      }
    },
  }
}
