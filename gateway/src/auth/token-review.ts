// Verifies a Kubernetes ServiceAccount token with the TokenReview API, using the gateway's own
// Kubernetes access (kubernetes/api-access.ts: a bearer token and the cluster CA over undici; no
// client library). The review asks for audience `strata`, so a token minted for anything else
// (the default API audience included) is refused by the apiserver itself.
// Reference: https://kubernetes.io/docs/reference/kubernetes-api/authentication-resources/token-review-v1/
import { request } from 'undici'
import { z } from 'zod'
import type { KubeApiAccess } from '../kubernetes/api-access.ts'

export const TOKEN_AUDIENCE = 'strata'

export type TokenReviewResult =
  { authenticated: true; username: string } | { authenticated: false; reason: string }

export type TokenReviewer = (token: string) => Promise<TokenReviewResult>

// Lenient with the apiserver's answer: only what the decision reads.
const tokenReviewSchema = z.looseObject({
  status: z
    .looseObject({
      authenticated: z.boolean().nullish(),
      user: z.looseObject({ username: z.string().nullish() }).nullish(),
      audiences: z.array(z.string()).nullish(),
      error: z.string().nullish(),
    })
    .nullish(),
})

/** The apiserver could not be asked; not a verdict on the token, so never cached. */
export class TokenReviewUnavailable extends Error {}

export interface TokenReviewOptions {
  api: KubeApiAccess
  audience?: string
  timeoutMs?: number
}

export function createTokenReviewer(options: TokenReviewOptions): TokenReviewer {
  const { api } = options
  const audience = options.audience ?? TOKEN_AUDIENCE
  const url = `${api.server}/apis/authentication.k8s.io/v1/tokenreviews`
  return async function reviewToken(token) {
    let text: string
    let status: number
    try {
      const response = await request(url, {
        method: 'POST',
        dispatcher: api.dispatcher,
        headers: {
          authorization: `Bearer ${api.token()}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify({
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenReview',
          spec: { token, audiences: [audience] },
        }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
      })
      status = response.statusCode
      text = await response.body.text()
    } catch (error) {
      throw new TokenReviewUnavailable('the Kubernetes API did not answer the TokenReview', {
        cause: error,
      })
    }
    // 401/403 here are about the gateway's own credentials, never the caller's token.
    if (status !== 201 && status !== 200)
      throw new TokenReviewUnavailable(`TokenReview answered ${status}: ${text.slice(0, 200)}`)
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (error) {
      throw new TokenReviewUnavailable('TokenReview answered with no JSON', { cause: error })
    }
    const parsed = tokenReviewSchema.safeParse(json)
    const review = parsed.success ? parsed.data.status : undefined
    const username = review?.user?.username
    if (review?.authenticated !== true || !username)
      return { authenticated: false, reason: review?.error ?? 'token not authenticated' }
    // An authenticator that ignores audiences answers without them; accept only an explicit match.
    if (!(review.audiences ?? []).includes(audience))
      return { authenticated: false, reason: `token audiences do not include ${audience}` }
    return { authenticated: true, username }
  }
}
