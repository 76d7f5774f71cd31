// itemStream: pull until pushTo, then push, where reads wait in the read queue for a later turn
// and go over in one call per stream and turn; a consumer that returns false pauses the body until
// resume, and so do MAX_WAITING reads waiting; items before a failure come out before it;
// return() stops the body and drops what waits.
import { setImmediate as nextTurn } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import type { ByteHandlers, ListenableBytes } from '../upstream/listenable-body.ts'
import { itemStream, MAX_WAITING, startingStream, type ReadStep } from './item-stream.ts'
import type { PushConsumer } from './push-stream.ts'

// A body fed by hand, recording how it is driven.
function handBody() {
  let handlers: ByteHandlers | undefined
  const state = { paused: false, stopped: false, pauses: 0 }
  const body: ListenableBytes = {
    [Symbol.asyncIterator]: () => {
      throw new Error('this body is only listened to')
    },
    listen(given) {
      handlers = given
      return {
        pause: () => {
          state.paused = true
          state.pauses++
        },
        resume: () => {
          state.paused = false
        },
        stop: () => {
          state.stopped = true
        },
      }
    },
  }
  const feed = (text: string) => handlers?.data(new TextEncoder().encode(text))
  return { body, state, feed, end: () => handlers?.end(), error: (e: Error) => handlers?.error(e) }
}

// Each read is words; "!" makes the read fail after the words before it; end() wants "." last.
function words(): ReadStep<string> {
  let last = ''
  return {
    read(chunk, out) {
      for (const word of new TextDecoder().decode(chunk).split(' ')) {
        if (word === '!') throw new Error('bad word')
        out.push(word)
        last = word
      }
      return false
    },
    end() {
      if (last !== '.') throw new Error('ended early')
    },
  }
}

function recorder(answers: boolean[] = []) {
  const seen: string[][] = []
  const waits: number[] = []
  const outcome: { ended: boolean; failure?: unknown } = { ended: false }
  const consumer: PushConsumer<string> = {
    push(items, waitedMs) {
      seen.push([...items])
      if (waitedMs !== undefined) waits.push(waitedMs)
      return answers.shift() ?? true
    },
    end() {
      outcome.ended = true
    },
    fail(error) {
      outcome.failure = error
    },
  }
  return { consumer, seen, waits, outcome }
}

describe('itemStream', () => {
  it('is read by pull, then hands the rest over by push, a turn later, in one call', async () => {
    const source = handBody()
    const stream = itemStream(source.body, words())
    const first = stream.next()
    source.feed('a b')
    expect(await first).toEqual({ done: false, value: 'a' })
    // Read but not asked for: the body waits.
    expect(source.state.paused).toBe(true)
    const { consumer, seen, outcome } = recorder()
    stream.pushTo(consumer)
    expect(seen).toEqual([['b']])
    expect(source.state.paused).toBe(false)
    source.feed('c d')
    source.feed('.')
    source.end()
    // Pushing, the reads wait in the read queue: nothing moves where they arrive.
    expect(seen).toEqual([['b']])
    expect(outcome).toEqual({ ended: false })
    await nextTurn()
    expect(seen).toEqual([['b'], ['c', 'd', '.']])
    expect(outcome).toEqual({ ended: true })
  })

  it('pauses the body while the consumer cannot take more, and goes on after resume', async () => {
    const source = handBody()
    const stream = itemStream(source.body, words())
    const { consumer, seen } = recorder([false])
    const resume = stream.pushTo(consumer)
    source.feed('a')
    await nextTurn()
    expect(source.state.paused).toBe(true)
    resume()
    expect(source.state.paused).toBe(false)
    source.feed('b')
    await nextTurn()
    expect(seen).toEqual([['a'], ['b']])
  })

  it('pauses the body while MAX_WAITING reads wait, and resumes it once they went', async () => {
    const source = handBody()
    const stream = itemStream(source.body, words())
    const { consumer, seen, waits } = recorder()
    stream.pushTo(consumer)
    for (let index = 1; index < MAX_WAITING; index++) source.feed(String(index))
    expect(source.state.paused).toBe(false)
    source.feed('last')
    expect(source.state.paused).toBe(true)
    await nextTurn()
    expect(source.state.paused).toBe(false)
    expect(seen).toEqual([['1', '2', '3', 'last']])
    // How long the reads waited reaches the consumer: the gateway's time, not the model's.
    expect(waits).toHaveLength(1)
    expect(waits[0]).toBeGreaterThanOrEqual(0)
  })

  it('keeps the body paused after the queue ran when the consumer asked to pause', async () => {
    const source = handBody()
    const stream = itemStream(source.body, words())
    const { consumer, seen } = recorder([false])
    const resume = stream.pushTo(consumer)
    for (let index = 0; index < MAX_WAITING; index++) source.feed(String(index))
    await nextTurn()
    expect(seen).toEqual([['0', '1', '2', '3']])
    expect(source.state.paused).toBe(true)
    resume()
    expect(source.state.paused).toBe(false)
  })

  it('fails only its own stream when the consumer throws, and the queue goes on', async () => {
    const broken = handBody()
    const healthy = handBody()
    const failures: unknown[] = []
    itemStream(broken.body, words()).pushTo({
      push() {
        throw new Error('consumer bug')
      },
      end: () => undefined,
      fail: (error) => failures.push(error),
    })
    const { consumer, seen } = recorder()
    itemStream(healthy.body, words()).pushTo(consumer)
    broken.feed('a')
    healthy.feed('b')
    await nextTurn()
    expect(failures).toHaveLength(1)
    expect(broken.state.stopped).toBe(true)
    expect(seen).toEqual([['b']])
  })

  it('drops the reads waiting in the queue on return()', async () => {
    const source = handBody()
    const stream = itemStream(source.body, words())
    const { consumer, seen, outcome } = recorder()
    stream.pushTo(consumer)
    source.feed('a')
    source.end()
    await stream.return?.()
    await nextTurn()
    expect(seen).toEqual([])
    expect(outcome).toEqual({ ended: false })
    expect(source.state.stopped).toBe(true)
  })

  it('delivers the items before a bad frame, then the failure, and frees the body', async () => {
    const source = handBody()
    const stream = itemStream(source.body, words())
    const { consumer, seen, outcome } = recorder()
    stream.pushTo(consumer)
    source.feed('a ! b')
    await nextTurn()
    expect(seen).toEqual([['a']])
    expect(outcome.failure).toBeInstanceOf(Error)
    expect(outcome.ended).toBe(false)
    expect(source.state.stopped).toBe(true)
  })

  it('fails a stream that ends without its final item, by pull too', async () => {
    const source = handBody()
    const stream = itemStream(source.body, words())
    const first = stream.next()
    source.feed('a')
    expect(await first).toEqual({ done: false, value: 'a' })
    const second = stream.next()
    source.end()
    await expect(second).rejects.toThrow('ended early')
    expect(await stream.next()).toEqual({ done: true, value: undefined })
  })

  it('stops the body on return(), and tells the consumer nothing more', async () => {
    const source = handBody()
    const stream = itemStream(source.body, words())
    const { consumer, outcome } = recorder()
    stream.pushTo(consumer)
    await stream.return?.()
    expect(source.state.stopped).toBe(true)
    source.feed('a')
    expect(outcome).toEqual({ ended: false })
  })

  it('starts once, on the first next(), and shows the started stream through', async () => {
    const source = handBody()
    let starts = 0
    const stream = startingStream(() => {
      starts++
      return Promise.resolve(itemStream(source.body, words()))
    })
    expect(starts).toBe(0)
    expect(stream.canPush()).toBe(false)
    const first = stream.next()
    expect(starts).toBe(1)
    // The started stream listens to its body once the start has resolved.
    await new Promise((resolve) => setImmediate(resolve))
    source.feed('a b')
    expect(await first).toEqual({ done: false, value: 'a' })
    expect(await stream.next()).toEqual({ done: false, value: 'b' })
    expect(starts).toBe(1)
    expect(stream.canPush()).toBe(true)
  })

  it('rejects every read when its start throws at once, and starts no second time', async () => {
    let starts = 0
    const stream = startingStream((): Promise<never> => {
      starts++
      throw new Error('could not sign')
    })
    await expect(stream.next()).rejects.toThrow('could not sign')
    await expect(stream.next()).rejects.toThrow('could not sign')
    expect(starts).toBe(1)
  })
})
