// What an ApplyGuardrail answer means for the gateway. `GUARDRAIL_INTERVENED` covers two things:
// a policy that BLOCKED the text (the outputs then hold the guardrail's blocked message), and a
// sensitive-information policy that only ANONYMIZED parts of it (the outputs then hold the text as
// sent, masked: "if guardrail intervened and output is masked we return request in same format
// with masking"). A masked question is not a refused question: the model gets it masked.
// Reference: https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-use-independent-api.html
// and the assessment types (GuardrailPiiEntityFilter, GuardrailRegexFilter: action ANONYMIZED |
// BLOCKED | NONE; the other policies' filters: BLOCKED | NONE) of the API reference.

export interface ApplyGuardrailResult {
  intervened: boolean
  /** The guardrail's blocked message (or, when it masked, the masked texts joined). */
  message: string | undefined
  /**
   * When the guardrail only masked: the texts sent, masked, one per text and in order. Undefined
   * when it passed or blocked, and when the outputs cannot be matched to the texts (then the
   * intervention is read as a block: unmasked text must never go on).
   */
  masked?: string[]
}

export interface ApplyGuardrailAnswer {
  action: string
  outputs?: readonly { text?: string | null | undefined }[] | null | undefined
  assessments?: readonly unknown[] | null | undefined
}

/** True when some filter anywhere in the value took the action `action`. */
function hasAction(value: unknown, action: string): boolean {
  if (Array.isArray(value)) return value.some((inner) => hasAction(inner, action))
  if (typeof value !== 'object' || value === null) return false
  return Object.entries(value).some(
    ([key, inner]) => (key === 'action' && inner === action) || hasAction(inner, action),
  )
}

/** guardrailVerdict reads an ApplyGuardrail answer to the `texts` that were sent. */
export function guardrailVerdict(
  answer: ApplyGuardrailAnswer,
  texts: readonly string[],
): ApplyGuardrailResult {
  const intervened = answer.action === 'GUARDRAIL_INTERVENED'
  const outputs = (answer.outputs ?? []).map((output) => output.text ?? '')
  const joined = outputs.join('')
  const message = joined === '' ? undefined : joined
  if (!intervened) return { intervened, message }
  const assessments = answer.assessments ?? []
  const onlyMasked =
    !hasAction(assessments, 'BLOCKED') &&
    hasAction(assessments, 'ANONYMIZED') &&
    outputs.length === texts.length
  return onlyMasked ? { intervened, message, masked: outputs } : { intervened, message }
}
