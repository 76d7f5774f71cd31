// Bytes of a server-sent event stream → the `data` of each event, layer 1 of 4 of our Mantle
// streaming. Reference: https://html.spec.whatwg.org/multipage/server-sent-events.html
// §9.2.6 "Interpreting an event stream": lines end in CRLF, LF or CR; `:` starts a comment; a
// field's value drops one leading space; several `data` lines join with LF; a blank line dispatches
// the event, and an event with no data is not dispatched; an unterminated last event is discarded.
// UTF-8 is decoded across chunk boundaries, so a split multi-byte character survives.

const lineEnd = /[\r\n]/g

/**
 * SseDataDecoder takes bytes in whatever pieces the network delivers and returns the data of each
 * event completed by them. Use `push` per piece and `end` once the source is done.
 */
export class SseDataDecoder {
  readonly #text = new TextDecoder('utf-8')
  #buffer = ''
  #data: string[] = []
  #first = true

  push(piece: Uint8Array): string[] {
    this.#buffer += this.#text.decode(piece, { stream: true })
    if (this.#first && this.#buffer.length > 0) {
      // A leading byte order mark is not part of the first line.
      if (this.#buffer.startsWith('\uFEFF')) this.#buffer = this.#buffer.slice(1)
      this.#first = false
    }
    return this.#lines(false)
  }

  end(): string[] {
    this.#buffer += this.#text.decode()
    return this.#lines(true)
  }

  #lines(final: boolean): string[] {
    const events: string[] = []
    const buffer = this.#buffer
    let start = 0
    lineEnd.lastIndex = 0
    for (let match = lineEnd.exec(buffer); match !== null; match = lineEnd.exec(buffer)) {
      const index = match.index
      const crlf = buffer[index] === '\r'
      // A CR at the end of what arrived may be the first half of a CRLF: wait for more.
      if (crlf && index + 1 === buffer.length && !final) break
      this.#take(buffer.slice(start, index), events)
      start = crlf && buffer[index + 1] === '\n' ? index + 2 : index + 1
      lineEnd.lastIndex = start
    }
    this.#buffer = buffer.slice(start)
    return events
  }

  #take(line: string, events: string[]): void {
    if (line === '') {
      if (this.#data.length > 0) events.push(this.#data.join('\n'))
      this.#data = []
      return
    }
    if (line.startsWith(':')) return
    const colon = line.indexOf(':')
    const field = colon === -1 ? line : line.slice(0, colon)
    if (field !== 'data') return
    let value = colon === -1 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    this.#data.push(value)
  }
}

/** decodeSseData yields the data payload of each event, in order, as soon as its blank line arrives. */
export async function* decodeSseData(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new SseDataDecoder()
  for await (const piece of bytes) yield* decoder.push(piece)
  yield* decoder.end()
}
