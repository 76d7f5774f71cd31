// What a request asked and what it was answered, kept for the access log only when an operator
// turned on --log-content. The middleware (middleware/capture-content.ts) fills it; the access
// log takes it when the record closes. A stream's answer is complete only once its body has been
// read to the end, so the store holds a promise the access log waits for.
import type { RequestRecord } from './request-record.ts'

export interface CapturedContent {
  /** The request's messages / input / instructions as JSON, truncated. */
  request: string | undefined
  /** The text answered, truncated; undefined for embeddings and failures before any text. */
  answer: string | undefined
}

export interface ContentCapture {
  /** Characters kept of each of request and answer. */
  readonly maxChars: number
  put(record: Readonly<RequestRecord>, content: Promise<CapturedContent>): void
  /** Hands the content over once; undefined when nothing was captured for the record. */
  take(record: Readonly<RequestRecord>): Promise<CapturedContent> | undefined
}

export function createContentCapture(maxChars = 4096): ContentCapture {
  // Keyed by the record itself, so an entry never outlives its request.
  const store = new WeakMap<Readonly<RequestRecord>, Promise<CapturedContent>>()
  return {
    maxChars,
    put(record, content) {
      store.set(record, content)
    },
    take(record) {
      const content = store.get(record)
      store.delete(record)
      return content
    },
  }
}

export function truncate(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars)}…[truncated]`
}
