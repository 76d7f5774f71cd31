// Small node:http helpers shared by every API surface of the emulator.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { once } from 'node:events'
import { setTimeout as delay } from 'node:timers/promises'

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/** JSON when it parses, the raw text when it does not (recorded as sent), undefined when empty. */
export function parseBody(raw: Buffer): unknown {
  if (raw.length === 0) return undefined
  const text = raw.toString('utf8')
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(text)),
  })
  res.end(text)
}

/** Resolves false instead of throwing when the client went away, so callers can just stop. */
export async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false
  if (ms <= 0) return true
  try {
    await delay(ms, undefined, { signal })
    return true
  } catch {
    return false
  }
}

/**
 * Resolves once the chunk is handed to the socket, so a slow reader slows the stream as it would
 * with Bedrock, and a deliberate reset afterwards cannot drop frames still queued in Node.
 */
export async function write(
  res: ServerResponse,
  chunk: Buffer,
  signal: AbortSignal,
): Promise<boolean> {
  if (signal.aborted || res.destroyed) return false
  return new Promise((resolve) => {
    res.write(chunk, (error) => {
      resolve(error == null && !signal.aborted)
    })
  })
}

/** Resolves when the client disconnects; used to hold a request open forever. */
export async function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return
  await once(signal, 'abort')
}
