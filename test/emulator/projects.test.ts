import OpenAI from 'openai'
import { describe, expect, it } from 'vitest'
import { useEmulator } from './use-emulator.ts'
import { mantleClient, signedFetch, testApiKey } from './mantle-clients.ts'

const emulator = useEmulator({ region: 'us-west-2', accountId: '111122223333' })

interface Reply {
  status: number
  body: Record<string, unknown>
}

async function call(method: string, path: string, body?: unknown): Promise<Reply> {
  const init: RequestInit = { method, headers: { authorization: `Bearer ${testApiKey}` } }
  if (body !== undefined) init.body = JSON.stringify(body)
  const response = await fetch(`${emulator.url}/v1/organization/projects${path}`, init)
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

const tags = { owner: 'platform', cost_center: 'cc-1' }

describe('Projects API', () => {
  it('creates a project with the documented object shape', async () => {
    const { status, body } = await call('POST', '', { name: 'Project ABC', tags })
    expect(status).toBe(200)
    expect(body).toEqual({
      arn: `arn:aws:bedrock-mantle:us-west-2:111122223333:project/${String(body['id'])}`,
      created_at: expect.any(Number) as unknown,
      id: expect.stringMatching(/^proj_[a-z0-9]{20}$/) as unknown,
      name: 'Project ABC',
      object: 'organization.project',
      status: 'active',
      tags,
    })
    expect(await call('GET', `/${String(body['id'])}`)).toEqual({ status: 200, body })
  })

  it('lists default first with OpenAI list fields and paginates with limit/after', async () => {
    for (const name of ['one', 'two', 'three']) await call('POST', '', { name })
    const all = await call('GET', '')
    expect(all.body).toMatchObject({ object: 'list', first_id: 'default', has_more: false })
    const data = all.body['data'] as Record<string, unknown>[]
    expect(data.map((p) => p['name'])).toEqual(['default', 'one', 'two', 'three'])
    expect(data[0]).toEqual({
      arn: 'arn:aws:bedrock-mantle:us-west-2:111122223333:project/default',
      created_at: 1764460800,
      id: 'default',
      name: 'default',
      object: 'organization.project',
      status: 'active',
      tags: {},
    })
    expect(all.body['last_id']).toBe(data[3]?.['id'])

    const first = await call('GET', '?limit=2')
    expect(first.body).toMatchObject({
      has_more: true,
      first_id: 'default',
      last_id: data[1]?.['id'],
    })
    const rest = await call('GET', `?limit=2&after=${String(first.body['last_id'])}`)
    expect((rest.body['data'] as unknown[]).length).toBe(2)
    expect(rest.body['has_more']).toBe(false)
    expect((await call('GET', '?limit=0')).status).toBe(400)
  })

  it('updates name and tags with add_tags / remove_tag_keys', async () => {
    const { body } = await call('POST', '', { name: 'svc', tags })
    const id = String(body['id'])
    const updated = await call('POST', `/${id}`, {
      name: 'svc-2',
      add_tags: { environment: 'prod', owner: 'apps' },
      remove_tag_keys: ['cost_center'],
    })
    expect(updated.status).toBe(200)
    expect(updated.body).toMatchObject({
      name: 'svc-2',
      tags: { owner: 'apps', environment: 'prod' },
    })
    expect(Object.keys(updated.body['tags'] as object).sort()).toEqual(['environment', 'owner'])
  })

  it('archives: status archived, listed unless include_archived=false, frozen, name reusable', async () => {
    const { body } = await call('POST', '', { name: 'old' })
    const id = String(body['id'])
    const archived = await call('POST', `/${id}/archive`)
    expect(archived.body).toMatchObject({ id, status: 'archived' })
    const listed = (await call('GET', '')).body['data'] as { id: string }[]
    expect(listed.map((p) => p.id)).toContain(id)
    const active = (await call('GET', '?include_archived=false')).body['data'] as { id: string }[]
    expect(active.map((p) => p.id)).toEqual(['default'])
    const update = await call('POST', `/${id}`, { add_tags: { a: 'b' } })
    expect(update).toMatchObject({
      status: 400,
      body: { error: { type: 'invalid_request_error' } },
    })
    expect((await call('POST', '', { name: 'old' })).status).toBe(200)
  })

  it('refuses a duplicate active name with 409 conflict', async () => {
    await call('POST', '', { name: 'dup' })
    const again = await call('POST', '', { name: 'dup' })
    expect(again).toEqual({
      status: 409,
      body: {
        error: {
          message: "A project with the name 'dup' already exists.",
          type: 'conflict_error',
          param: 'name',
          code: 'conflict',
        },
      },
    })
  })

  it.each([
    { name: 'a bad name', body: { name: 'bad/name' }, param: 'name' },
    { name: 'a missing name', body: { tags }, param: 'name' },
    {
      name: 'a too long tag key',
      body: { name: 'x', tags: { ['k'.repeat(129)]: 'v' } },
      param: 'tags',
    },
  ])('rejects $name with 400', async ({ body, param }) => {
    const reply = await call('POST', '', body)
    expect(reply.status).toBe(400)
    expect((reply.body['error'] as { param: string }).param).toMatch(new RegExp(`^${param}`))
  })

  it('404s unknown projects and protects the default project', async () => {
    expect((await call('GET', '/proj_nope')).status).toBe(404)
    expect((await call('POST', '/proj_nope/archive')).status).toBe(404)
    expect((await call('POST', '/default/archive')).status).toBe(400)
    expect((await call('POST', '/default', { add_tags: { a: 'b' } })).status).toBe(400)
  })

  it('throttles create as scripted, so a retrying caller succeeds the second time', async () => {
    emulator.script({
      match: { operation: 'create-project' },
      scenario: { fault: { kind: 'error', exception: 'ThrottlingException' } },
    })
    const first = await call('POST', '', { name: 'retry-me' })
    expect(first.status).toBe(429)
    expect(first.body).toMatchObject({
      error: { type: 'rate_limit_error', code: 'rate_limit_exceeded' },
    })
    expect((await call('POST', '', { name: 'retry-me' })).status).toBe(200)
    expect(emulator.requests().map((r) => r.operation)).toEqual([
      'create-project',
      'create-project',
    ])
  })

  it('records SigV4-signed calls with the bedrock-mantle service and region', async () => {
    const response = await signedFetch(`${emulator.url}/v1/organization/projects?limit=5`, {
      method: 'GET',
      region: 'us-west-2',
    })
    expect(response.status).toBe(200)
    const created = await signedFetch(`${emulator.url}/v1/organization/projects`, {
      method: 'POST',
      body: { name: 'signed' },
      region: 'us-west-2',
    })
    expect(created.status).toBe(200)
    expect(emulator.requests()).toMatchObject([
      {
        operation: 'list-projects',
        path: '/v1/organization/projects?limit=5',
        auth: {
          kind: 'sigv4',
          accessKeyId: 'AKIDMANTLE',
          region: 'us-west-2',
          service: 'bedrock-mantle',
        },
      },
      {
        operation: 'create-project',
        body: { name: 'signed' },
        auth: { service: 'bedrock-mantle' },
      },
    ])
    expect(emulator.requests()[0]?.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/)
  })

  it('rejects calls without credentials', async () => {
    const response = await fetch(`${emulator.url}/v1/organization/projects`)
    expect(response.status).toBe(401)
  })

  it('refuses inference for an archived project named in OpenAI-Project', async () => {
    const { body } = await call('POST', '', { name: 'gone' })
    const id = String(body['id'])
    const client = mantleClient(emulator.url, '/v1', { project: id })
    const messages = [{ role: 'user' as const, content: 'hi' }]
    const model = 'openai.gpt-oss-20b'
    await client.chat.completions.create({ model, messages })
    await call('POST', `/${id}/archive`)
    const error = await client.chat.completions.create({ model, messages }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError)
    expect(error).toMatchObject({ error: { code: 'project_archived' } })
  })
})
