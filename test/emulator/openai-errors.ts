// Error responses of the OpenAI-compatible surfaces (Mantle inference and the Projects API):
// `{"error":{"message","type","param","code"}}` with a faithful status (OpenAI API reference,
// "Error codes"; docs/reference/mantle.md). Mantle's observed codes: `validation_error` for a model
// on the wrong route, `invalid_api_key` for a bad bearer token.
import type { ServerResponse } from 'node:http'
import { defaultExceptionMessage, httpExceptions, type HttpExceptionName } from './aws-errors.ts'
import { sendJson } from './http-io.ts'
import type { ErrorFault } from './scenarios.ts'

export interface OpenAIError {
  message: string
  type: string
  param: string | null
  code: string | null
}

export interface OpenAIFailure {
  status: number
  error: OpenAIError
}

const typeByStatus: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  408: 'timeout_error',
  409: 'conflict_error',
  429: 'rate_limit_error',
}

export function openAIErrorType(status: number): string {
  return typeByStatus[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error')
}

export function openAIFailure(
  status: number,
  message: string,
  code: string | null = null,
  param: string | null = null,
): OpenAIFailure {
  return { status, error: { message, type: openAIErrorType(status), param, code } }
}

// Mantle reports Bedrock's failures in OpenAI terms; its quota errors are 429.
const exceptionCodes: Record<HttpExceptionName, [status: number, code: string]> = {
  ValidationException: [400, 'validation_error'],
  AccessDeniedException: [403, 'access_denied'],
  ResourceNotFoundException: [404, 'not_found'],
  ModelTimeoutException: [408, 'model_timeout'],
  ThrottlingException: [429, 'rate_limit_exceeded'],
  ModelNotReadyException: [429, 'model_not_ready'],
  ModelErrorException: [424, 'model_error'],
  ModelStreamErrorException: [424, 'model_stream_error'],
  ServiceQuotaExceededException: [429, 'quota_exceeded'],
  InternalServerException: [500, 'internal_error'],
  ServiceUnavailableException: [503, 'service_unavailable'],
}

export function openAIFailureOfException(name: HttpExceptionName, message?: string): OpenAIFailure {
  const [status, code] = exceptionCodes[name]
  return openAIFailure(status, message ?? defaultExceptionMessage(name), code)
}

export function openAIFailureOfFault(fault: ErrorFault): OpenAIFailure {
  if (fault.kind === 'error') return openAIFailureOfException(fault.exception, fault.message)
  const fallback = Object.entries(httpExceptions).find(([, status]) => status === fault.status)
  const message =
    fault.message ??
    (fallback === undefined
      ? `HTTP ${fault.status}`
      : defaultExceptionMessage(fallback[0] as HttpExceptionName))
  const failure = openAIFailure(fault.status, message, fault.code ?? null)
  if (fault.type !== undefined) failure.error.type = fault.type
  return failure
}

export function sendOpenAIFailure(
  res: ServerResponse,
  requestId: string,
  failure: OpenAIFailure,
): void {
  sendJson(
    res,
    failure.status,
    { error: failure.error },
    { 'x-request-id': requestId, 'x-amzn-RequestId': requestId },
  )
}
