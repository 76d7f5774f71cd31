// Bedrock Runtime error responses in the REST-JSON protocol: status codes from the botocore
// bedrock-runtime service model (docs/reference/bedrock-runtime.md, "Errors"), wire form from the
// AWS generic REST-JSON error example: `x-amzn-ErrorType`, `x-amzn-RequestId`,
// body {"message": ...}.
import type { ServerResponse } from 'node:http'
import { sendJson } from './http-io.ts'
import type { ErrorFault } from './scenarios.ts'

export const httpExceptions = {
  ValidationException: 400,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  ModelTimeoutException: 408,
  ThrottlingException: 429,
  ModelNotReadyException: 429,
  ModelErrorException: 424,
  ModelStreamErrorException: 424,
  ServiceQuotaExceededException: 400,
  InternalServerException: 500,
  ServiceUnavailableException: 503,
} as const

export type HttpExceptionName = keyof typeof httpExceptions

export const httpExceptionNames = Object.keys(httpExceptions) as [
  HttpExceptionName,
  ...HttpExceptionName[],
]

/** Members of the ConverseStream output union that arrive as exception frames. */
export const streamExceptionNames = [
  'throttlingException',
  'modelStreamErrorException',
  'internalServerException',
  'validationException',
  'serviceUnavailableException',
] as const

export type StreamExceptionName = (typeof streamExceptionNames)[number]

// Wording close to what Bedrock says, so log-reading tests and humans see familiar text.
const defaultMessages: Record<HttpExceptionName, string> = {
  ValidationException: 'The request failed validation.',
  AccessDeniedException: "You don't have access to the model with the specified model ID.",
  ResourceNotFoundException: 'The provided model identifier is invalid.',
  ModelTimeoutException: 'Model has timed out in processing the request. Try your request again.',
  ThrottlingException: 'Too many requests, please wait before trying again.',
  ModelNotReadyException: 'Model is not ready for inference. Wait and try your request again.',
  ModelErrorException: 'The model returned an error. Try your request again.',
  ModelStreamErrorException: 'The model encountered an error while streaming the response.',
  ServiceQuotaExceededException: 'Your request exceeds the service quota for your account.',
  InternalServerException: 'The system encountered an unexpected error during processing.',
  ServiceUnavailableException: 'Bedrock is unable to process your request.',
}

export function defaultExceptionMessage(name: HttpExceptionName): string {
  return defaultMessages[name]
}

/** `throttlingException` → `ThrottlingException`: the same exception outside a stream. */
export function httpNameOfStreamException(name: StreamExceptionName): HttpExceptionName {
  const pascal = name.charAt(0).toUpperCase() + name.slice(1)
  return pascal as HttpExceptionName
}

/** Any REST-JSON error; the SDK picks the exception class from `x-amzn-ErrorType`. */
export function sendErrorResponse(
  res: ServerResponse,
  requestId: string,
  errorType: string,
  status: number,
  message: string,
): void {
  sendJson(
    res,
    status,
    { message },
    { 'x-amzn-ErrorType': errorType, 'x-amzn-RequestId': requestId },
  )
}

export function sendAwsError(
  res: ServerResponse,
  requestId: string,
  name: HttpExceptionName,
  message: string = defaultMessages[name],
): void {
  sendErrorResponse(res, requestId, name, httpExceptions[name], message)
}

/** The exception a bare status stands for, so an `httpError` fault still names a modelled class. */
export function exceptionNameForStatus(status: number): string {
  const known = httpExceptionNames.find((name) => httpExceptions[name] === status)
  if (known !== undefined) return known
  return status >= 500 ? 'InternalServerException' : 'ValidationException'
}

export function sendAwsFault(res: ServerResponse, requestId: string, fault: ErrorFault): void {
  if (fault.kind === 'error') {
    sendAwsError(res, requestId, fault.exception, fault.message)
    return
  }
  const name = fault.type ?? exceptionNameForStatus(fault.status)
  const message =
    fault.message ??
    (name in httpExceptions ? defaultMessages[name as HttpExceptionName] : `HTTP ${fault.status}`)
  sendErrorResponse(res, requestId, name, fault.status, message)
}

/** A modelled error with extra members, e.g. TooManyTagsException's `resourceName`. */
export function sendAwsErrorWith(
  res: ServerResponse,
  requestId: string,
  error: { exception: string; status: number; message: string; resourceName?: string },
): void {
  const body: Record<string, string> = { message: error.message }
  if (error.resourceName !== undefined) body['resourceName'] = error.resourceName
  sendJson(res, error.status, body, {
    'x-amzn-ErrorType': error.exception,
    'x-amzn-RequestId': requestId,
  })
}
