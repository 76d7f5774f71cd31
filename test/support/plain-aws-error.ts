// The AWS error of the plain Bedrock stand-in (plain-bedrock.ts): the exception name AWS sends in
// `x-amzn-ErrorType` with its HTTP status, and `{"message": ...}` as the body.
export class AwsError extends Error {
  readonly status: number
  readonly type: string
  constructor(status: number, type: string, message: string) {
    super(message)
    this.status = status
    this.type = type
  }
}

export const validation = (message: string): AwsError =>
  new AwsError(400, 'ValidationException', message)

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
