// Bytes of a server-sent event stream → the `data` of each event, layer 1 of 4 of our Mantle
// streaming. Reference: https://html.spec.whatwg.org/multipage/server-sent-events.html
// §9.2.6 "Interpreting an event stream": lines end in CRLF, LF or CR; `:` starts a comment; a
// field's value drops one leading space; several `data` lines join with LF; a blank line dispatches
// the event, and an event with no data is not dispatched; an unterminated last event is discarded.
// UTF-8 is decoded across chunk boundaries, so a split multi-byte character survives.

/** decodeSseData yields the data payload of each event, in order, as soon as its blank line arrives. */
export async function* decodeSseData(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8')
  let buffer = ''
  let data: string[] = []
  let first = true

  function* lines(final: boolean): Generator<string> {
    let start = 0
    for (let index = 0; index < buffer.length; index += 1) {
      const character = buffer[index]
      if (character !== '\n' && character !== '\r') continue
      // A CR at the end of what arrived may be the first half of a CRLF: wait for more.
      if (character === '\r' && index + 1 === buffer.length && !final) break
      yield buffer.slice(start, index)
      if (character === '\r' && buffer[index + 1] === '\n') index += 1
      start = index + 1
    }
    buffer = buffer.slice(start)
  }

  function* take(line: string): Generator<string> {
    if (line === '') {
      if (data.length > 0) yield data.join('\n')
      data = []
      return
    }
    if (line.startsWith(':')) return
    const colon = line.indexOf(':')
    const field = colon === -1 ? line : line.slice(0, colon)
    if (field !== 'data') return
    let value = colon === -1 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    data.push(value)
  }

  for await (const piece of bytes) {
    buffer += decoder.decode(piece, { stream: true })
    if (first && buffer.length > 0) {
      // A leading byte order mark is not part of the first line.
      if (buffer.startsWith('\uFEFF')) buffer = buffer.slice(1)
      first = false
    }
    for (const line of lines(false)) yield* take(line)
  }
  buffer += decoder.decode()
  for (const line of lines(true)) yield* take(line)
}
