import { describe, expect, it } from 'vitest'
import {
  decodeFloat32Base64,
  embedText,
  float32Base64,
  toBinary,
  toBits,
  toInt8,
  toUbinary,
  toUint8,
} from './embedding-vectors.ts'

describe('embedText', () => {
  it('is a pure function of model, text and size', () => {
    expect(embedText('m', 'hello', 64)).toEqual(embedText('m', 'hello', 64))
    expect(embedText('m', 'hello', 64)).not.toEqual(embedText('m', 'hellp', 64))
    expect(embedText('m', 'hello', 64)).not.toEqual(embedText('n', 'hello', 64))
  })

  it('gives unit vectors of exactly the asked size, or raw values in [-1, 1]', () => {
    for (const size of [1, 7, 256, 1536]) {
      const vector = embedText('m', 'x', size)
      expect(vector).toHaveLength(size)
      expect(Math.hypot(...vector)).toBeCloseTo(1, 5)
    }
    const raw = embedText('m', 'x', 100, false)
    expect(raw.every((v) => v >= -1 && v <= 1)).toBe(true)
    expect(Math.hypot(...raw)).toBeGreaterThan(1)
  })

  it('round-trips through little-endian float32 base64 exactly', () => {
    const vector = embedText('m', 'round trip', 33)
    const base64 = float32Base64(vector)
    expect(Buffer.from(base64, 'base64')).toHaveLength(33 * 4)
    expect(decodeFloat32Base64(base64)).toEqual(vector)
  })
})

describe('quantised embeddings', () => {
  const vector = [0.5, -0.5, 1, -1, 0, 0.25, -0.25, 0.1, 0.9]

  it('scales to int8 and uint8', () => {
    expect(toInt8(vector)).toEqual([64, -63, 127, -127, 0, 32, -32, 13, 114])
    expect(toUint8(vector)).toEqual([192, 65, 255, 1, 128, 160, 96, 141, 242])
  })

  it('packs one bit per dimension, high bit first, padding the last byte', () => {
    expect(toUbinary(vector)).toEqual([0b10100101, 0b10000000])
    expect(toBinary(vector)).toEqual([0b10100101 - 128, 0])
    expect(toBits(vector)).toEqual([1, 0, 1, 0, 0, 1, 0, 1, 1])
  })
})
