// A guardrail client that only masks, as ApplyGuardrail answers for a sensitive-information policy
// that anonymizes: it intervened when any text changed, and its outputs are all the texts sent,
// masked, one per text (upstream/guardrail-verdict.ts reads such an answer as `masked`).
import type { GuardrailClient } from '../src/upstream/guardrail-client.ts'

/** Replaces the first `word` in each text, input or output, with `mask`. */
export function maskingGuardrail(word: string, mask: string): GuardrailClient {
  return {
    apply: (call) => {
      const masked = call.texts.map((text) => text.replace(word, mask))
      const intervened = masked.some((text, index) => text !== call.texts[index])
      return Promise.resolve(
        intervened
          ? { intervened, message: masked.join(''), masked }
          : { intervened, message: undefined },
      )
    },
    close: () => Promise.resolve(),
  }
}
