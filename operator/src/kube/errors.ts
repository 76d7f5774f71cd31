// client-node 2.x throws ApiException with a numeric `code`; other failures (network) have none.
export function statusCodeOf(error: unknown): number | undefined {
  if (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'number'
  ) {
    return error.code
  }
  return undefined
}
