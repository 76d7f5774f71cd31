// Upstream's stop reason on its way from a backend to the request record and the per-backend
// series (pipeline/backend-calls.ts): the answering attempt's reason is kept, a failed attempt's is
// not, and a shadow copy has no record to tell.
import { describe, expect, it } from 'vitest'
import {
  completionFor,
  createStubBackend,
  createTestApp,
  postChat,
  textChunk,
  usageChunk,
} from '../../test-support/app-test-kit.ts'
import { testTableWithClaudeRoute } from '../../test-support/test-tables.ts'
import { GatewayError } from '../errors/gateway-error.ts'
import type { RecordListener, RequestRecord } from '../observe/request-record.ts'
import { createRoutingState } from '../routing/routing-state.ts'

const hello = { model: 'claude', messages: [{ role: 'user', content: 'Hello' }] }
const windowFull = 'model_context_window_exceeded'

function appWith(shadow = false) {
  const table = testTableWithClaudeRoute({
    backends: [
      { name: 'primary', kind: 'converse', modelId: 'primary-model', region: 'us-east-1' },
      shadow
        ? { name: 'candidate', kind: 'mantle', modelId: 'c', region: 'us-east-1', weight: 0 }
        : { name: 'fallback', kind: 'mantle', modelId: 'f', region: 'us-east-1', priority: 1 },
    ],
    ...(shadow ? { shadow: { backend: 'candidate', percent: 100 } } : {}),
  })
  const closed: RequestRecord[] = []
  const listener: RecordListener = { finished: (record) => closed.push({ ...record }) }
  const converse = createStubBackend()
  const mantle = createStubBackend()
  const test = createTestApp({
    routing: createRoutingState(table).current,
    backends: { converse, mantle },
    requestListeners: [listener],
  })
  const stopSeries = async (backend: string): Promise<string | undefined> =>
    (
      await test.deps.metrics.registry.getSingleMetricAsString(
        'strata_gateway_backend_stop_reasons_total',
      )
    )
      .split('\n')
      .find((line) => line.includes(`backend_name="${backend}",stop_reason="${windowFull}"`))
  return { ...test, converse, mantle, closed, stopSeries }
}

describe('the stop reason in the request record', () => {
  it('keeps the answer’s stop reason and counts a full context window for its backend', async () => {
    const { app, converse, closed, stopSeries } = appWith()
    converse.completeWith = (call) => {
      call.context.onStopReason?.(windowFull)
      const completion = completionFor(call)
      const [choice] = completion.choices
      if (choice !== undefined) choice.finish_reason = 'length'
      return Promise.resolve(completion)
    }
    const response = await postChat(app, hello)
    expect(await response.json()).toMatchObject({ choices: [{ finish_reason: 'length' }] })
    expect(closed[0]).toMatchObject({ stopReason: windowFull, backend: { name: 'primary' } })
    expect(await stopSeries('primary')).toMatch(/ 1$/)
  })

  it('keeps the stop reason a stream tells after its first chunk', async () => {
    const { app, converse, closed, stopSeries } = appWith()
    converse.stream = async function* (_request, _target, context) {
      await Promise.resolve()
      yield textChunk('Cut')
      context.onStopReason?.(windowFull)
      yield textChunk('')
      yield usageChunk()
    }
    const response = await postChat(app, { ...hello, stream: true })
    expect(await response.text()).toContain('data: [DONE]')
    expect(closed[0]).toMatchObject({ stream: true, stopReason: windowFull })
    expect(await stopSeries('primary')).toMatch(/ 1$/)
  })

  it('forgets a failed attempt’s stop reason when another backend answers', async () => {
    const { app, converse, mantle, closed, stopSeries } = appWith()
    converse.completeWith = (call) => {
      call.context.onStopReason?.(windowFull)
      return Promise.reject(
        new GatewayError(429, 'rate_limit_error', 'Too many requests.', { upstream: 'refused' }),
      )
    }
    expect((await postChat(app, hello)).status).toBe(200)
    expect(mantle.calls).toHaveLength(1)
    expect(closed[0]).toMatchObject({ stopReason: undefined, backend: { name: 'fallback' } })
    expect(await stopSeries('fallback')).toMatch(/ 0$/)
  })

  it('gives a shadow copy no listener: only the served answer reaches the record', async () => {
    const { app, converse, mantle, closed } = appWith(true)
    converse.completeWith = (call) => {
      call.context.onStopReason?.('end_turn')
      return Promise.resolve(completionFor(call))
    }
    mantle.completeWith = (call) => {
      call.context.onStopReason?.(windowFull)
      return Promise.resolve(completionFor(call))
    }
    expect((await postChat(app, hello)).status).toBe(200)
    await expect.poll(() => mantle.calls.length).toBe(1)
    expect(mantle.calls[0]?.context.onStopReason).toBeUndefined()
    expect(closed[0]?.stopReason).toBe('end_turn')
  })
})
