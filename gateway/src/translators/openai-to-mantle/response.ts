// A Mantle chat completion → the one the client sees: Mantle's answer as it is, with `model` set
// back to the alias the client sent (the Bedrock model id is the gateway's business).
// Reference: https://platform.openai.com/docs/api-reference/chat/object.
import type { ChatCompletion } from '../../openai/chat-completions.ts'
import { mantleCompletionSchema } from './shapes.ts'
import { invalidResponse } from '../../errors/catalogue.ts'

export interface MantleResponseContext {
  /** The alias the client sent, echoed back as `model`. */
  model: string
}

/** toChatCompletion checks what the gateway relies on (choices, usage) and rewrites `model`. */
export function toChatCompletion(json: unknown, context: MantleResponseContext): ChatCompletion {
  const parsed = mantleCompletionSchema.safeParse(json)
  if (!parsed.success)
    throw invalidResponse('The model provider sent an invalid response.', parsed.error)
  // The checked fields are what ChatCompletion's consumers read; the rest is relayed as sent.
  return { ...(json as ChatCompletion), model: context.model }
}
