// OpenAI tool call ids → Converse `toolUseId`.
// References: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ToolUseBlock.html
// and .../API_runtime_ToolResultBlock.html (toolUseId: 1–64 characters of [a-zA-Z0-9_-]) against
// OpenAI's `tool_calls[].id` and `tool_call_id`, which are any string. Ids the model made pass
// untouched, but a history may carry ids from another provider (`functions.get_weather:0`) or
// a framework's own, longer ones, which Bedrock refuses with a ValidationException. Those are
// rewritten the same way wherever they occur, so each call still pairs with its result; the hash
// keeps two distinct ids distinct after their characters are replaced.

const valid = /^[a-zA-Z0-9_-]{1,64}$/

/** converseToolUseId is `id` when Bedrock accepts it, else a stable id that Bedrock accepts. */
export function converseToolUseId(id: string): string {
  if (valid.test(id)) return id
  const readable = id.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 40)
  return `${readable}_${fingerprint(id)}`
}

// Two 32-bit multiplicative hashes (FNV-1a's, and one with MurmurHash's multiplier) over UTF-16
// code units: 64 bits, plenty to keep the few ids of one conversation apart, and pure
// (translators use no node:crypto).
function fingerprint(text: string): string {
  let first = 0x811c9dc5
  let second = 0x9747b28c
  for (let index = 0; index < text.length; index += 1) {
    const unit = text.charCodeAt(index)
    first = Math.imul(first ^ unit, 0x01000193) >>> 0
    second = Math.imul(second ^ unit, 0x5bd1e995) >>> 0
  }
  return first.toString(16).padStart(8, '0') + second.toString(16).padStart(8, '0')
}
