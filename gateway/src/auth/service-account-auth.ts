// The second way to authenticate: a projected ServiceAccount token (audience `strata`) instead of
// a Strata key. Only bearers shaped like a JWT take this path, so a mistyped key never costs a
// TokenReview. Errors keep OpenAI's shapes and never echo the token.
import type { Caller } from '../gateway-env.ts'
import { GatewayError } from '../errors/gateway-error.ts'
import type { RoutingIndex } from '../routing/routing-index.ts'
import { chooseProject, parseServiceAccountUser, projectsFor } from './service-account-projects.ts'
import { TokenReviewUnavailable, type TokenReviewer } from './token-review.ts'
import { gatewayError } from '../errors/catalogue.ts'

/** Headers a caller may use to pick one of several projects its ServiceAccount may use. */
export const PROJECT_HEADERS = ['x-strata-project', 'openai-project'] as const

export interface ServiceAccountAuth {
  /** A cached TokenReview (token-cache.ts over token-review.ts). */
  review: TokenReviewer
}

const JWT_SHAPE = /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/

export function looksLikeJwt(bearer: string): boolean {
  return JWT_SHAPE.test(bearer)
}

const refused = (
  message: string,
  name: 'invalid_api_key' | 'service_account_not_allowed' | 'mismatched_project',
): GatewayError => gatewayError(name, message)

export async function serviceAccountCaller(
  auth: ServiceAccountAuth,
  index: RoutingIndex,
  token: string,
  projectHeader: string | undefined,
): Promise<Caller> {
  let result
  try {
    result = await auth.review(token)
  } catch (error) {
    if (!(error instanceof TokenReviewUnavailable)) throw error
    throw gatewayError('token_review_unavailable', 'The gateway could not verify the token now.', {
      retryAfterSeconds: 1,
      cause: error,
    })
  }
  if (!result.authenticated)
    throw refused('Incorrect API key provided: the token was not accepted.', 'invalid_api_key')
  const account = parseServiceAccountUser(result.username)
  if (account === undefined)
    throw refused('Only ServiceAccount tokens are accepted as API keys.', 'invalid_api_key')
  const choice = chooseProject(projectsFor(index.table, account), projectHeader)
  switch (choice.outcome) {
    case 'chosen':
      return { index, project: choice.project }
    case 'none':
      throw refused(
        `The ServiceAccount ${account.namespace}/${account.name} may not use any project.`,
        'service_account_not_allowed',
      )
    case 'mismatch':
      throw refused(
        `The ServiceAccount ${account.namespace}/${account.name} may not use the project named in the OpenAI-Project header.`,
        'mismatched_project',
      )
    case 'ambiguous':
      throw gatewayError(
        'project_required',
        `The ServiceAccount ${account.namespace}/${account.name} may use several projects (${choice.candidates
          .map((project) => `${project.namespace}/${project.name}`)
          .join(', ')}); name one in the x-strata-project or OpenAI-Project header.`,
      )
  }
}
