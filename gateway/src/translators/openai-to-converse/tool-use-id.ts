// OpenAI tool call ids → Converse `toolUseId`.
// References: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ToolUseBlock.html
// and .../API_runtime_ToolResultBlock.html (toolUseId: 1–64 characters of [a-zA-Z0-9_-]) against
// OpenAI's `tool_calls[].id` and `tool_call_id`, which are any string. Ids the model made pass
// untouched, but a history may carry ids from another provider (`functions.get_weather:0`) or
// a framework's own, longer ones, which Bedrock refuses with a ValidationException. Those are
// rewritten the same way wherever they occur, so each call still pairs with its result; the hash
// keeps two distinct ids distinct after their characters are replaced.
import { createHash } from 'node:crypto'

const valid = /^[a-zA-Z0-9_-]{1,64}$/

/** converseToolUseId is `id` when Bedrock accepts it, else a stable id that Bedrock accepts. */
export function converseToolUseId(id: string): string {
  if (valid.test(id)) return id
  const readable = id.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 40)
  const digest = createHash('sha256').update(id).digest('hex').slice(0, 16)
  return `${readable}_${digest}`
}
