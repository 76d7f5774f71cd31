// The authenticate middleware with ServiceAccount tokens, in process: the reviewer is a stand-in
// for TokenReview (the real one runs against the apiserver in test/cluster/service-account-auth).
import { describe, expect, it } from 'vitest'
import { authorized, createTestApp } from '../../test-support/app-test-kit.ts'
import { TEST_KEY } from '../../test-support/test-tables.ts'
import { TokenReviewUnavailable, type TokenReviewResult } from './token-review.ts'

const jwt = (subject: string): string =>
  `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ sub: subject })).toString('base64url')}.c2ln`

function appWith(verdicts: Record<string, TokenReviewResult | 'down'>) {
  const reviewed: string[] = []
  const test = createTestApp({
    serviceAccounts: {
      review: (token) => {
        reviewed.push(token)
        const verdict = verdicts[token] ?? { authenticated: false, reason: 'unknown token' }
        if (verdict === 'down') return Promise.reject(new TokenReviewUnavailable('down'))
        return Promise.resolve(verdict)
      },
    },
  })
  const models = async (bearer: string, headers: Record<string, string> = {}) => {
    const response = await test.app.request('/v1/models', {
      headers: { ...authorized(bearer), ...headers },
    })
    return { status: response.status, body: (await response.json()) as Record<string, unknown> }
  }
  return { models, reviewed }
}

const inTeamA = jwt('team-a-app')
const stranger = jwt('stranger')
const person = jwt('person')
const down = jwt('down')
const rejected = jwt('rejected')
const verdicts: Record<string, TokenReviewResult | 'down'> = {
  [inTeamA]: { authenticated: true, username: 'system:serviceaccount:team-a:app' },
  [stranger]: { authenticated: true, username: 'system:serviceaccount:elsewhere:app' },
  [person]: { authenticated: true, username: 'alice@example.com' },
  [rejected]: { authenticated: false, reason: 'token audiences do not include strata' },
  [down]: 'down',
}

describe('ServiceAccount tokens in the authenticate middleware', () => {
  it('serves a ServiceAccount of the project namespace as that project', async () => {
    const { models } = appWith(verdicts)
    const answer = await models(inTeamA)
    expect(answer.status).toBe(200)
    expect(answer.body['data']).toEqual([
      expect.objectContaining({ id: 'claude', owned_by: 'support' }),
      expect.objectContaining({ id: 'gpt-4o', owned_by: 'support' }),
    ])
  })

  it('never reviews a key, nor a bearer that is not JWT-shaped', async () => {
    const { models, reviewed } = appWith(verdicts)
    expect((await models(TEST_KEY)).status).toBe(200)
    const wrong = await models('sk-strata-mistyped')
    expect(wrong.status).toBe(401)
    expect(reviewed).toEqual([])
  })

  it.each([
    ['a rejected token', rejected, 401, 'invalid_api_key'],
    ['a token of a person', person, 401, 'invalid_api_key'],
    ['a ServiceAccount no project allows', stranger, 401, 'service_account_not_allowed'],
    ['an unreachable apiserver', down, 503, 'token_review_unavailable'],
  ])('answers %s with %i %s, never echoing the token', async (_what, token, status, code) => {
    const { models } = appWith(verdicts)
    const answer = await models(token)
    expect(answer.status).toBe(status)
    expect(answer.body).toMatchObject({ error: { code } })
    expect(JSON.stringify(answer.body)).not.toContain(token)
  })

  it('refuses a project header naming a project the ServiceAccount may not use', async () => {
    const { models } = appWith(verdicts)
    const answer = await models(inTeamA, { 'OpenAI-Project': 'proj_billing' })
    expect(answer).toMatchObject({ status: 401, body: { error: { code: 'mismatched_project' } } })
    const named = await models(inTeamA, { 'x-strata-project': 'team-a/support' })
    expect(named.status).toBe(200)
  })
})
