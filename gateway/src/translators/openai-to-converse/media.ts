// OpenAI image and file parts → Converse image and document blocks.
// References: OpenAI `image_url` / `file` content parts
// (https://platform.openai.com/docs/guides/images-vision, .../pdf-files) and Converse `ImageBlock`
// / `DocumentBlock` (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ImageBlock.html,
// .../API_runtime_DocumentBlock.html). rest-json carries blob bytes as base64, so a data URL's
// payload passes through without decoding.
//
// Remote image URLs are never fetched here (translators do no I/O). The backend may fetch them
// beforehand, with its own size and time limits, and pass the bytes in `images`.
import type { ChatMessage, FilePart, ImagePart } from '../../openai/chat-messages.ts'
import type {
  ConverseContentBlock,
  DocumentFormat,
  ImageFormat,
} from '../../upstream/converse-shapes.ts'
import { invalidRequest } from '../../errors/catalogue.ts'

/** An image the backend fetched for a remote URL. `bytes` is base64. */
export interface ResolvedImage {
  format: ImageFormat
  bytes: string
}

export type ResolvedImages = ReadonlyMap<string, ResolvedImage>

const imageFormats: Readonly<Record<string, ImageFormat>> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
}

const documentFormats: Readonly<Record<string, DocumentFormat>> = {
  'application/pdf': 'pdf',
  'text/csv': 'csv',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'text/html': 'html',
  'text/plain': 'txt',
  'text/markdown': 'md',
}

const base64Pattern = /^[A-Za-z0-9+/]*={0,2}$/

interface DataUrl {
  mediaType: string
  base64: string
}

/** parseDataUrl reads `data:<media type>[;params];base64,<payload>`; undefined if not one. */
export function parseDataUrl(url: string): DataUrl | undefined {
  const match = /^data:([^;,]+)((?:;[^;,]+)*);base64,(.*)$/s.exec(url)
  if (match === null) return undefined
  const base64 = (match[3] ?? '').replace(/\s+/g, '')
  if (base64.length === 0 || base64.length % 4 !== 0 || !base64Pattern.test(base64))
    return undefined
  return { mediaType: (match[1] ?? '').toLowerCase(), base64 }
}

/** imageBlock maps an `image_url` part; `param` names it in errors. */
export function imageBlock(
  part: ImagePart,
  param: string,
  images: ResolvedImages | undefined,
): ConverseContentBlock {
  const url = part.image_url.url
  if (url.startsWith('data:')) {
    const data = parseDataUrl(url)
    if (data === undefined) {
      throw invalidRequest(
        `Invalid image data URL in '${param}': expected data:image/<type>;base64,<data>.`,
        param,
        'invalid_image_url',
      )
    }
    const format = imageFormats[data.mediaType]
    if (format === undefined) {
      throw invalidRequest(
        `Invalid image format '${data.mediaType}' in '${param}'. Supported: image/png, image/jpeg, image/gif, image/webp.`,
        param,
        'invalid_image_format',
      )
    }
    return { image: { format, source: { bytes: data.base64 } } }
  }
  const resolved = images?.get(url)
  if (resolved === undefined) {
    throw invalidRequest(
      `Remote image URLs are not supported in '${param}'; send the image inline as a base64 data URL.`,
      param,
      'image_url_not_supported',
    )
  }
  return { image: { format: resolved.format, source: { bytes: resolved.bytes } } }
}

// Converse document names allow letters, digits, single spaces, hyphens, parentheses and brackets.
function documentName(filename: string | undefined, index: number): string {
  const base = (filename ?? '').replace(/\.[^.]*$/, '')
  const cleaned = base
    .replace(/[^A-Za-z0-9\-()[\] ]+/g, '-')
    .replace(/\s+/g, ' ')
    .trim()
  return cleaned.length > 0 ? cleaned.slice(0, 200) : `document-${index + 1}`
}

/** documentBlock maps a `file` part with inline `file_data`; file ids need a Files API we lack. */
export function documentBlock(part: FilePart, param: string, index: number): ConverseContentBlock {
  const { file_data: fileData, file_id: fileId, filename } = part.file
  if (fileData === undefined) {
    const message =
      fileId === undefined
        ? `Missing required parameter: '${param}.file_data'.`
        : `File ids are not supported in '${param}'; send the file inline in 'file_data'.`
    throw invalidRequest(
      message,
      `${param}.${fileId === undefined ? 'file_data' : 'file_id'}`,
      'unsupported_value',
    )
  }
  const data = parseDataUrl(fileData)
  const format = data === undefined ? undefined : documentFormats[data.mediaType]
  if (data === undefined || format === undefined) {
    throw invalidRequest(
      `Invalid file in '${param}.file_data': expected a base64 data URL of a PDF, CSV, DOC(X), XLS(X), HTML, TXT or Markdown file.`,
      `${param}.file_data`,
      'invalid_value',
    )
  }
  return {
    document: { format, name: documentName(filename, index), source: { bytes: data.base64 } },
  }
}

/** A remote image URL in the request and the path of the part that holds it. */
export interface RemoteImageReference {
  url: string
  param: string
}

/** remoteImageUrls lists the non-data image URLs a request holds, for a backend to pre-fetch. */
export function remoteImageUrls(messages: readonly ChatMessage[]): RemoteImageReference[] {
  const references: RemoteImageReference[] = []
  messages.forEach((message, messageIndex) => {
    if (message.role !== 'user' || typeof message.content === 'string') return
    message.content.forEach((part, partIndex) => {
      if (part.type === 'image_url' && !part.image_url.url.startsWith('data:')) {
        references.push({
          url: part.image_url.url,
          param: `messages[${messageIndex}].content[${partIndex}].image_url`,
        })
      }
    })
  })
  return references
}
