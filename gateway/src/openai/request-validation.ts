// Turns zod issues on a client request into the 400 OpenAI itself would send: one message, the
// offending path in `param` (OpenAI writes paths as `messages[0].content`), an OpenAI-style code.
// Reference: observed OpenAI error bodies, e.g. "Unrecognized request argument supplied: foo",
// "Missing required parameter: 'messages[0].content'.", "Invalid type for 'temperature' ...".
import type { z } from 'zod'
import { GatewayError } from '../errors/gateway-error.ts'
import { invalidRequest, type InvalidRequestName } from '../errors/catalogue.ts'

type Issue = z.core.$ZodIssue
type PathKey = PropertyKey

/** formatParamPath renders a zod path as OpenAI does: `messages[0].content[1].image_url`. */
export function formatParamPath(path: readonly PathKey[]): string {
  let out = ''
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`
    else out += out === '' ? String(key) : `.${String(key)}`
  }
  return out
}

function badRequest(message: string, param: string, name: InvalidRequestName): GatewayError {
  return invalidRequest(message, param === '' ? undefined : param, name)
}

// A union's own issue says little; the branch that got furthest usually names the real mistake.
function deepestIssue(issue: Issue): Issue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue
  let best: Issue = issue
  for (const branch of issue.errors) {
    for (const inner of branch) {
      const candidate = deepestIssue({ ...inner, path: [...issue.path, ...inner.path] })
      if (candidate.path.length > best.path.length) best = candidate
    }
  }
  return best
}

function describe(issue: Issue): GatewayError {
  const param = formatParamPath(issue.path)
  const where = `'${param === '' ? 'body' : param}'`
  switch (issue.code) {
    case 'unrecognized_keys': {
      const name = formatParamPath([...issue.path, issue.keys[0] ?? ''])
      return badRequest(
        `Unrecognized request argument supplied: ${name}`,
        name,
        'unknown_parameter',
      )
    }
    case 'invalid_type':
      if (issue.input === undefined) {
        return badRequest(
          `Missing required parameter: ${where}.`,
          param,
          'missing_required_parameter',
        )
      }
      return badRequest(
        `Invalid type for ${where}: expected ${issue.expected}.`,
        param,
        'invalid_type',
      )
    case 'invalid_union':
      if (issue.discriminator !== undefined && 'options' in issue) {
        const options = (issue.options ?? []).map((option) => `'${String(option)}'`).join(', ')
        return badRequest(
          `Invalid value for ${where}: expected one of ${options}.`,
          param,
          'invalid_value',
        )
      }
      return badRequest(`Invalid value for ${where}.`, param, 'invalid_value')
    default:
      return badRequest(`Invalid value for ${where}: ${issue.message}.`, param, 'invalid_value')
  }
}

/** requestValidationError reports the first (most specific) issue as a 400 GatewayError. */
export function requestValidationError(issues: readonly Issue[]): GatewayError {
  const first = issues[0]
  if (first === undefined) return badRequest('Invalid request body.', '', 'invalid_value')
  return describe(deepestIssue(first))
}
