// What the ApplyGuardrail wrappers of the Mantle and Messages backends share: the input check (a
// block is the caller's 400 before the model is called; a masked input goes on masked), the output check, and the windows a
// stream's answer is checked in (backends/mantle-guardrail.ts, backends/messages-guardrail.ts).
// Each check of a window also sees the tail of the previous one, so a blocked phrase split across
// two windows is caught. Each wrapper keeps what an intervention looks like in its own API.
// Reference: https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-use-independent-api.html
import type { GuardrailClient } from '../upstream/guardrail-client.ts'
import type { ApplyGuardrailResult } from '../upstream/guardrail-verdict.ts'
import { blockedInput, type GuardrailTarget } from './guardrail-target.ts'

/** How much of a window's text the next window's check sees again. */
const OVERLAP_CHARS = 64

export interface GuardrailChecks {
  /**
   * Throws the 400 `content_filter` when the guardrail blocks the input; no text, no call. When
   * it only masked the input, resolves to the texts as masked, one per text given (an empty text
   * stays empty): the caller sends those to the model in place of the originals.
   */
  input(texts: string[], signal: AbortSignal): Promise<string[] | undefined>
  /**
   * The verdict on answer texts; an intervention is counted. When the guardrail only masked,
   * `masked` holds one text per text given.
   */
  output(texts: string[], signal: AbortSignal): Promise<ApplyGuardrailResult>
}

/** The masked texts, which answer the non-empty texts sent, put back beside the empty ones. */
function aligned(texts: readonly string[], masked: readonly string[]): string[] {
  let next = 0
  return texts.map((text) => {
    if (text === '') return text
    const out = masked[next] ?? ''
    next += 1
    return out
  })
}

/** guardrailChecks calls `guardrail` in the target's region; empty texts are never sent. */
export function guardrailChecks(
  client: GuardrailClient,
  guardrail: GuardrailTarget,
  region: string,
): GuardrailChecks {
  const apply = (source: 'INPUT' | 'OUTPUT', texts: string[], signal: AbortSignal) =>
    client.apply({
      identifier: guardrail.identifier,
      version: guardrail.version,
      region,
      source,
      texts: texts.filter((text) => text !== ''),
      signal,
    })
  return {
    async input(texts, signal) {
      if (texts.every((text) => text === '')) return undefined
      const verdict = await apply('INPUT', texts, signal)
      if (!verdict.intervened) return undefined
      guardrail.onIntervention('input')
      const masked = verdict.masked
      if (masked === undefined) throw blockedInput(verdict.message)
      return aligned(texts, masked)
    },
    async output(texts, signal) {
      const verdict = await apply('OUTPUT', texts, signal)
      if (!verdict.intervened) return verdict
      guardrail.onIntervention('output')
      return verdict.masked === undefined
        ? verdict
        : { ...verdict, masked: aligned(texts, verdict.masked) }
    },
  }
}

/** A window let go: its items, and the verdict when its text was checked and blocked. */
export interface ReleasedWindow<T> {
  items: T[]
  /** The intervention, undefined when the window passed, was only masked, or held no text. */
  blocked: ApplyGuardrailResult | undefined
  /** The window's text as the guardrail masked it, when it only masked: it replaces the items' text. */
  masked?: string
}

/**
 * OutputWindows holds a stream's items until their text fills a window, then checks it. After a
 * block it stays blocked: the wrapper decides what the client still sees.
 */
export class OutputWindows<T> {
  #items: T[] = []
  #text = ''
  #previousTail = ''
  #blocked = false
  readonly #checks: GuardrailChecks
  readonly #windowChars: number
  readonly #signal: AbortSignal

  constructor(checks: GuardrailChecks, windowChars: number, signal: AbortSignal) {
    this.#checks = checks
    this.#windowChars = windowChars
    this.#signal = signal
  }

  get blocked(): boolean {
    return this.#blocked
  }

  hold(item: T, text: string): void {
    this.#items.push(item)
    this.#text += text
  }

  /** True once the held text fills a window. */
  get full(): boolean {
    return this.#text.length >= this.#windowChars
  }

  async release(): Promise<ReleasedWindow<T>> {
    const items = this.#items
    const text = this.#text
    this.#items = []
    this.#text = ''
    if (text === '') return { items, blocked: undefined }
    const tail = this.#previousTail
    const verdict = await this.#checks.output([tail + text], this.#signal)
    this.#previousTail = text.slice(-OVERLAP_CHARS)
    if (!verdict.intervened) return { items, blocked: undefined }
    // Masked: the client already has the tail, so only the window's part is new. A mask that
    // reaches into the tail cannot be split off and is held as a block (nothing unmasked leaks).
    const masked = verdict.masked?.[0]
    if (masked?.startsWith(tail) === true) {
      const window = masked.slice(tail.length)
      this.#previousTail = window.slice(-OVERLAP_CHARS)
      return { items, blocked: undefined, masked: window }
    }
    this.#blocked = true
    return { items, blocked: verdict }
  }
}
