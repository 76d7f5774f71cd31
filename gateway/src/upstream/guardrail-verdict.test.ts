import { describe, expect, it } from 'vitest'
import { guardrailVerdict } from './guardrail-verdict.ts'

const anonymized = [
  {
    sensitiveInformationPolicy: {
      piiEntities: [{ type: 'NAME', match: 'Ada', action: 'ANONYMIZED', detected: true }],
      regexes: [],
    },
  },
]

describe('guardrailVerdict', () => {
  it('passes NONE on, with no masked texts', () => {
    expect(guardrailVerdict({ action: 'NONE', outputs: [], assessments: [] }, ['hi'])).toEqual({
      intervened: false,
      message: undefined,
    })
  })

  it('reads a block as the blocked message', () => {
    const verdict = guardrailVerdict(
      {
        action: 'GUARDRAIL_INTERVENED',
        outputs: [{ text: 'Blocked.' }],
        assessments: [{ wordPolicy: { customWords: [{ match: 'x', action: 'BLOCKED' }] } }],
      },
      ['say x', 'and y'],
    )
    expect(verdict).toEqual({ intervened: true, message: 'Blocked.' })
  })

  it('reads masking alone as the masked texts, one per text sent', () => {
    const verdict = guardrailVerdict(
      {
        action: 'GUARDRAIL_INTERVENED',
        outputs: [{ text: 'Be brief.' }, { text: 'I am {NAME}.' }],
        assessments: anonymized,
      },
      ['Be brief.', 'I am Ada.'],
    )
    expect(verdict.masked).toEqual(['Be brief.', 'I am {NAME}.'])
  })

  it('reads masking with a block, or outputs that do not match the texts, as a block', () => {
    const both = guardrailVerdict(
      {
        action: 'GUARDRAIL_INTERVENED',
        outputs: [{ text: 'Blocked.' }],
        assessments: [...anonymized, { topicPolicy: { topics: [{ action: 'BLOCKED' }] } }],
      },
      ['I am Ada.'],
    )
    expect(both.masked).toBeUndefined()
    const uneven = guardrailVerdict(
      {
        action: 'GUARDRAIL_INTERVENED',
        outputs: [{ text: 'I am {NAME}.' }],
        assessments: anonymized,
      },
      ['Hello.', 'I am Ada.'],
    )
    expect(uneven.masked).toBeUndefined()
    expect(uneven.intervened).toBe(true)
  })
})
