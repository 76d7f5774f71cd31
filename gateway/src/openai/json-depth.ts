// A bound on how deeply a client's JSON may nest. Parsing deep JSON is fine, but everything after
// it that walks the value recursively (zod, JSON.stringify on the way to Bedrock, the translators)
// overflows the stack at a few thousand levels, which would be a 500 for a client's mistake. No
// real request comes near the limit: a tool schema ten objects deep is about twenty-five levels.
import { formatParamPath } from './request-validation.ts'
import { gatewayError } from '../errors/catalogue.ts'

export const MAX_JSON_DEPTH = 100

// How much of the path the error names: enough to point at the field (`tools[0].function.
// parameters`), not the thousand levels below it.
const namedSegments = 4

/** The path to the first object or array nested deeper than the limit, or undefined. */
function tooDeepAt(value: unknown, limit: number): PropertyKey[] | undefined {
  const path: PropertyKey[] = []
  // The recursion itself stops at the limit, so it cannot overflow.
  const visit = (node: unknown, depth: number): boolean => {
    if (typeof node !== 'object' || node === null) return false
    if (depth > limit) return true
    if (Array.isArray(node)) {
      for (let index = 0; index < node.length; index += 1) {
        path.push(index)
        if (visit(node[index], depth + 1)) return true
        path.pop()
      }
      return false
    }
    const record = node as Record<string, unknown>
    for (const key in record) {
      path.push(key)
      if (visit(record[key], depth + 1)) return true
      path.pop()
    }
    return false
  }
  return visit(value, 1) ? path : undefined
}

/**
 * checkJsonDepth throws a 400 naming the field when `value` nests deeper than MAX_JSON_DEPTH.
 * `param` names a value parsed from inside a field (tool-call arguments); a whole body names the
 * path where the nesting starts.
 */
export function checkJsonDepth(value: unknown, param?: string): void {
  const path = tooDeepAt(value, MAX_JSON_DEPTH)
  if (path === undefined) return
  const field = param ?? (formatParamPath(path.slice(0, namedSegments)) || 'body')
  throw gatewayError(
    'nesting_too_deep',
    `Invalid value for '${field}': JSON nested more than ${MAX_JSON_DEPTH} levels deep.`,
    { param: field },
  )
}
