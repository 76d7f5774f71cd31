// Fetches remote image URLs for the Converse backend, which (unlike OpenAI) only takes bytes.
// Off unless the deployment enables it: fetching arbitrary URLs from inside a cluster is a
// server-side request forgery risk, so enable it only where egress is restricted (e.g. a
// NetworkPolicy that blocks cluster-internal and metadata addresses).
// References: OpenAI vision input (https://platform.openai.com/docs/guides/images-vision) and the
// Converse ImageBlock formats png | jpeg | gif | webp.
import { Agent, type Dispatcher } from 'undici'
import { GatewayError } from '../errors/gateway-error.ts'
import type { ImageFormat } from './converse-shapes.ts'
import { discardBody } from './discard-body.ts'
import { invalidRequest } from '../errors/catalogue.ts'

export interface FetchedImage {
  format: ImageFormat
  /** base64 */
  bytes: string
}

/** Fetches one image URL within the options' limits; throws a 400 GatewayError otherwise. */
export type ImageResolver = (url: string, signal: AbortSignal) => Promise<FetchedImage>

export interface ImageFetcherOptions {
  /** Bedrock accepts images up to 3.75 MB. */
  maxBytes?: number
  timeoutMs?: number
  allowHttp?: boolean
  dispatcher?: Dispatcher
}

/** sniffImageFormat reads the magic bytes; the Content-Type of a remote server is not trusted. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  const starts = (...signature: number[]): boolean =>
    signature.every((byte, index) => bytes[index] === byte)
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png'
  if (starts(0xff, 0xd8, 0xff)) return 'jpeg'
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'gif'
  if (
    starts(0x52, 0x49, 0x46, 0x46) &&
    Buffer.from(bytes.subarray(8, 12)).toString('latin1') === 'WEBP'
  )
    return 'webp'
  return undefined
}

function refused(message: string): GatewayError {
  return invalidRequest(message, undefined, 'invalid_image_url')
}

async function readCapped(
  body: Dispatcher.ResponseData['body'],
  maxBytes: number,
): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > maxBytes) {
      discardBody(body)
      throw refused(`The image is larger than ${maxBytes} bytes.`)
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

/** createImageFetcher returns an ImageResolver with size, time and scheme limits. */
export function createImageFetcher(options: ImageFetcherOptions = {}): ImageResolver {
  const maxBytes = options.maxBytes ?? 3_750_000
  const timeoutMs = options.timeoutMs ?? 5_000
  const dispatcher = options.dispatcher ?? new Agent({ keepAliveTimeout: 10_000, connections: 16 })
  return async (url, signal) => {
    let target: URL
    try {
      target = new URL(url)
    } catch {
      throw refused('The image URL is not a valid URL.')
    }
    if (
      target.protocol !== 'https:' &&
      !(options.allowHttp === true && target.protocol === 'http:')
    ) {
      throw refused('Only https image URLs can be fetched.')
    }
    const deadline = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)])
    try {
      // undici follows no redirects without an interceptor, so a redirect cannot lead elsewhere.
      const response = await dispatcher.request({
        origin: target.origin,
        path: `${target.pathname}${target.search}`,
        method: 'GET',
        signal: deadline,
      })
      if (response.statusCode !== 200) {
        discardBody(response.body)
        throw refused(`Fetching the image failed with HTTP ${response.statusCode}.`)
      }
      const bytes = await readCapped(response.body, maxBytes)
      const format = sniffImageFormat(bytes)
      if (format === undefined) throw refused('The image is not a PNG, JPEG, GIF or WebP image.')
      return { format, bytes: bytes.toString('base64') }
    } catch (error) {
      if (error instanceof GatewayError) throw error
      if (signal.aborted) throw error
      throw refused(
        deadline.aborted
          ? `Fetching the image took longer than ${timeoutMs} ms.`
          : 'Fetching the image failed.',
      )
    }
  }
}
