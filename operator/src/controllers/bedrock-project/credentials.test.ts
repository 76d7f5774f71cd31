import { describe, expect, it } from 'vitest'
import {
  planCredentials,
  ROTATE_ANNOTATION,
  sha256Hex,
  type CredentialsInput,
} from './credentials.ts'

const now = new Date('2026-11-22T10:00:00Z')
const b64 = (value: string) => Buffer.from(value).toString('base64')
let counter = 0
const input = (overrides: Partial<CredentialsInput> = {}): CredentialsInput => ({
  existing: undefined,
  rotateRequest: undefined,
  baseUrl: 'http://strata-gateway.strata-system.svc/v1',
  newKey: () => `sk-strata-key-${++counter}`,
  now,
  graceSeconds: 3600,
  ...overrides,
})

describe('planCredentials', () => {
  it('mints a key for a new project and publishes only its hash', () => {
    const plan = planCredentials(input())
    expect(plan.stringData.OPENAI_BASE_URL).toBe('http://strata-gateway.strata-system.svc/v1')
    expect(plan.stringData.OPENAI_API_KEY).toMatch(/^sk-strata-key-/)
    expect(plan.keys).toEqual([{ sha256: sha256Hex(plan.stringData.OPENAI_API_KEY) }])
    expect(JSON.stringify(plan.keys)).not.toContain('sk-strata')
  })

  it('keeps the existing key when nothing asks for rotation', () => {
    const plan = planCredentials(input({ existing: { data: { OPENAI_API_KEY: b64('sk-old') } } }))
    expect(plan.stringData.OPENAI_API_KEY).toBe('sk-old')
    expect(plan.rotated).toBe(false)
  })

  it('rotates once per annotation value, keeping the old key valid for the grace period', () => {
    const first = planCredentials(
      input({ existing: { data: { OPENAI_API_KEY: b64('sk-old') } }, rotateRequest: 'r1' }),
    )
    expect(first.rotated).toBe(true)
    expect(first.stringData.OPENAI_API_KEY).not.toBe('sk-old')
    expect(first.keys).toEqual([
      { sha256: sha256Hex(first.stringData.OPENAI_API_KEY) },
      { sha256: sha256Hex('sk-old'), notAfter: '2026-11-22T11:00:00.000Z' },
    ])
    const again = planCredentials(
      input({
        existing: {
          data: { OPENAI_API_KEY: b64(first.stringData.OPENAI_API_KEY) },
          annotations: first.annotations,
        },
        rotateRequest: 'r1',
      }),
    )
    expect(again.rotated).toBe(false)
    expect(again.keys).toHaveLength(2)
  })

  it('drops the old key once its grace period is over', () => {
    const rotated = planCredentials(
      input({ existing: { data: { OPENAI_API_KEY: b64('sk-old') } }, rotateRequest: 'r1' }),
    )
    const later = planCredentials(
      input({
        existing: {
          data: { OPENAI_API_KEY: b64(rotated.stringData.OPENAI_API_KEY) },
          annotations: rotated.annotations,
        },
        rotateRequest: 'r1',
        now: new Date('2026-11-22T11:00:01Z'),
      }),
    )
    expect(later.keys).toHaveLength(1)
    expect(Object.keys(later.annotations)).toEqual(['strata.dev/rotated-for'])
    expect(ROTATE_ANNOTATION).toBe('strata.dev/rotate-key')
  })
})
