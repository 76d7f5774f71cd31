// Deterministic embeddings: a vector is a function of (model, text, size) only, so tests can
// compute what the emulator returns and compare similarities. Values are float32-exact, so a
// base64 float32 round trip (OpenAI `encoding_format: base64`) gives back the same numbers.
// Quantised forms follow the Cohere Embed docs (int8, uint8, packed binary/ubinary) and Titan
// Text Embeddings V2 (`binary`: one 0/1 per dimension).
import { createHash } from 'node:crypto'

/** A unit-length (when `normalize`) vector of `dimensions` float32 values in [-1, 1]. */
export function embedText(
  modelId: string,
  text: string,
  dimensions: number,
  normalize = true,
): number[] {
  const values: number[] = []
  for (let block = 0; values.length < dimensions; block++) {
    const digest = createHash('sha256').update(`${modelId}\0${text}\0${block}`).digest()
    for (let at = 0; at + 4 <= digest.length && values.length < dimensions; at += 4) {
      values.push(digest.readUInt32LE(at) / 0x7fffffff - 1)
    }
  }
  const norm = normalize ? Math.hypot(...values) || 1 : 1
  return values.map((value) => Math.fround(value / norm))
}

export function float32Base64(vector: readonly number[]): string {
  const bytes = Buffer.alloc(vector.length * 4)
  vector.forEach((value, index) => bytes.writeFloatLE(value, index * 4))
  return bytes.toString('base64')
}

export function decodeFloat32Base64(base64: string): number[] {
  const bytes = Buffer.from(base64, 'base64')
  const values: number[] = []
  for (let at = 0; at + 4 <= bytes.length; at += 4) values.push(bytes.readFloatLE(at))
  return values
}

export function toInt8(vector: readonly number[]): number[] {
  // `+ 0` turns -0 into 0, which is what the value is once it has been through JSON.
  return vector.map((value) => Math.max(-128, Math.min(127, Math.round(value * 127))) + 0)
}

export function toUint8(vector: readonly number[]): number[] {
  return toInt8(vector).map((value) => value + 128)
}

/** One bit per dimension (1 when positive), eight to a byte, first dimension in the high bit. */
export function toUbinary(vector: readonly number[]): number[] {
  const bytes: number[] = []
  for (let at = 0; at < vector.length; at += 8) {
    let byte = 0
    for (let bit = 0; bit < 8; bit++) byte = (byte << 1) | ((vector[at + bit] ?? 0) > 0 ? 1 : 0)
    bytes.push(byte)
  }
  return bytes
}

/** Cohere's signed packing: the ubinary byte minus 128. */
export function toBinary(vector: readonly number[]): number[] {
  return toUbinary(vector).map((byte) => byte - 128)
}

/** Titan's binary embedding: 1 for a positive dimension, else 0. */
export function toBits(vector: readonly number[]): number[] {
  return vector.map((value) => (value > 0 ? 1 : 0))
}
