import { describe, expect, it } from 'vitest'
import { authorized, createTestApp, NOW_MS, postChat } from '../test-support/app-test-kit.ts'
import { OTHER_PROJECT_KEY, TEST_KEY, TEST_OLD_KEY } from '../test-support/test-tables.ts'

const openAIError = (
  message: string,
  code: string | null = null,
  type = 'invalid_request_error',
  param: string | null = null,
) => ({
  error: { message, type, param, code },
})

describe('operations endpoints', () => {
  it('reports liveness', async () => {
    const { app } = createTestApp()
    const response = await app.request('/healthz')
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ status: 'ok' })
  })

  it('is ready with a table, and says which version it serves', async () => {
    const { app } = createTestApp()
    const response = await app.request('/readyz')
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ status: 'ready', routingTableVersion: 1 })
  })

  it('is not ready once stopping, and still serves clients', async () => {
    const { app } = createTestApp({ stopping: () => true })
    const ready = await app.request('/readyz')
    expect(ready.status).toBe(503)
    expect(await ready.json()).toMatchObject({ error: { code: 'shutting_down' } })
    expect((await app.request('/v1/models', { headers: authorized() })).status).toBe(200)
  })

  it('is not ready without a table, and refuses clients meanwhile', async () => {
    const { app } = createTestApp({ routing: () => undefined })
    const ready = await app.request('/readyz')
    expect(ready.status).toBe(503)
    expect(await ready.json()).toMatchObject({
      error: { type: 'server_error', code: 'routing_table_unavailable' },
    })
    const models = await app.request('/v1/models', { headers: authorized() })
    expect(models.status).toBe(503)
    expect(models.headers.get('retry-after')).toBe('1')
  })

  it('counts requests by route pattern, method and status in Prometheus text', async () => {
    const { app } = createTestApp()
    await app.request('/v1/models', { headers: authorized() })
    await app.request('/v1/models/claude', { headers: authorized() })
    await app.request('/v1/models/nope', { headers: authorized() })
    await app.request('/v1/secret-probe-123')
    const response = await app.request('/metrics')
    expect(response.headers.get('content-type')).toContain('text/plain')
    const text = await response.text()
    expect(text).toContain(
      'strata_gateway_requests_total{route="/v1/models",method="GET",status="200"} 1',
    )
    expect(text).toContain(
      'strata_gateway_requests_total{route="/v1/models/:model{.+}",method="GET",status="200"} 1',
    )
    expect(text).toContain(
      'strata_gateway_requests_total{route="/v1/models/:model{.+}",method="GET",status="404"} 1',
    )
    expect(text).toContain(
      'strata_gateway_requests_total{route="unmatched",method="GET",status="404"} 1',
    )
    expect(text).not.toContain('secret-probe')
  })
})

describe('unknown paths', () => {
  it('answer 404 in OpenAI shape, naming method and path', async () => {
    const { app } = createTestApp()
    const response = await app.request('/v1/completions?key=x', { method: 'POST' })
    expect(response.status).toBe(404)
    expect(await response.json()).toEqual(openAIError('Invalid URL (POST /v1/completions)'))
  })
})

describe('authentication', () => {
  it('asks for a key when none is sent, as OpenAI does', async () => {
    const { app } = createTestApp()
    const response = await app.request('/v1/models')
    expect(response.status).toBe(401)
    const body = (await response.json()) as { error: { message: string; code: unknown } }
    expect(body.error.message).toMatch(/^You didn't provide an API key/)
    expect(body.error.code).toBeNull()
  })

  it.each([
    ['an unknown key', 'Bearer sk-not-a-real-key'],
    ['a Basic header', `Basic ${Buffer.from(`:${TEST_KEY}`).toString('base64')}`],
    ['an empty bearer', 'Bearer '],
  ])('refuses %s with invalid_api_key and never echoes it', async (_name, header) => {
    const { app } = createTestApp()
    const response = await app.request('/v1/models', { headers: { Authorization: header } })
    expect(response.status).toBe(401)
    const text = await response.text()
    expect(JSON.parse(text)).toEqual(openAIError('Incorrect API key provided.', 'invalid_api_key'))
    expect(text).not.toContain('not-a-real')
  })

  it('accepts a rotated-out key until notAfter, then refuses it', async () => {
    const before = createTestApp()
    expect(
      (await before.app.request('/v1/models', { headers: authorized(TEST_OLD_KEY) })).status,
    ).toBe(200)
    const after = createTestApp({ clock: () => Date.parse('2026-05-03T00:00:00Z') })
    const response = await after.app.request('/v1/models', { headers: authorized(TEST_OLD_KEY) })
    expect(response.status).toBe(401)
    const body = (await response.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe('invalid_api_key')
    expect(body.error.message).toContain('expired')
  })

  it('authenticates before reading the body', async () => {
    const { app, backend } = createTestApp()
    const response = await postChat(app, '{ not json', {
      headers: { 'Content-Type': 'application/json' },
    })
    expect(response.status).toBe(401)
    expect(backend.calls).toEqual([])
  })

  it('serves a new table as soon as it is swapped in', async () => {
    const { app, routing } = createTestApp()
    const table = routing.current()?.table
    if (table === undefined) throw new Error('test table loaded')
    routing.replace({ ...table, projects: table.projects.slice(1) })
    expect((await app.request('/v1/models', { headers: authorized(TEST_KEY) })).status).toBe(401)
    expect(
      (await app.request('/v1/models', { headers: authorized(OTHER_PROJECT_KEY) })).status,
    ).toBe(200)
  })
})

describe('models', () => {
  it("lists the caller's aliases only, in OpenAI's list shape", async () => {
    const { app } = createTestApp()
    const response = await app.request('/v1/models', { headers: authorized() })
    const created = Date.parse('2026-05-01T10:00:00Z') / 1000
    expect(await response.json()).toEqual({
      object: 'list',
      data: [
        { id: 'claude', object: 'model', created, owned_by: 'support' },
        { id: 'gpt-4o', object: 'model', created, owned_by: 'support' },
      ],
    })
    const other = await app.request('/v1/models', { headers: authorized(OTHER_PROJECT_KEY) })
    expect(
      ((await other.json()) as { data: { id: string }[] }).data.map((model) => model.id),
    ).toEqual(['nova'])
    expect(NOW_MS).toBeGreaterThan(created * 1000)
  })

  it('retrieves one alias, and 404s on an alias of another project', async () => {
    const { app } = createTestApp()
    const found = await app.request('/v1/models/gpt-4o', { headers: authorized() })
    expect(await found.json()).toMatchObject({ id: 'gpt-4o', object: 'model' })
    const missing = await app.request('/v1/models/nova', { headers: authorized() })
    expect(missing.status).toBe(404)
    expect(await missing.json()).toEqual(
      openAIError(
        'The model `nova` does not exist or you do not have access to it.',
        'model_not_found',
        'invalid_request_error',
        'model',
      ),
    )
  })
})

describe('attribution of refusals', () => {
  it('counts an unknown model against the caller’s project', async () => {
    const { app, deps } = createTestApp()
    const response = await postChat(app, {
      model: 'nova',
      messages: [{ role: 'user', content: 'Hi' }],
    })
    expect(response.status).toBe(404)
    const errors = await deps.metrics.registry.getSingleMetric('strata_gateway_errors_total')?.get()
    const counted = errors?.values.map(({ value, labels }) => ({
      value,
      errorType: labels['error_type'],
      project: labels['project'],
    }))
    expect(counted).toEqual([{ value: 1, errorType: 'model_not_found', project: 'team-a/support' }])
  })
})
