// What the emulated model answers: the scripted reply, or by default an echo of the last user
// text. Token counts are word counts, so every run reports the same usage.
import type { ConverseRequest } from './converse-validation.ts'
import type { Reply, StopReason } from './scenarios.ts'

export type ReasoningPlan = { text: string; signature: string } | { redacted: string }

export interface ToolCallPlan {
  id: string
  name: string
  input: Record<string, unknown>
}

export interface Usage {
  inputTokens: number
  outputTokens: number
  totalTokens: number
  cacheReadInputTokens?: number
  cacheWriteInputTokens?: number
}

export interface ReplyPlan {
  reasoning?: ReasoningPlan
  /** Absent when the reply is only tool calls; never an empty block. */
  text?: string
  toolCalls: ToolCallPlan[]
  stopReason: StopReason
  usage: Usage
}

export function countWords(...texts: string[]): number {
  return texts.reduce((sum, text) => sum + (text.match(/\S+/g)?.length ?? 0), 0)
}

function textsOf(blocks: ReadonlyArray<Record<string, unknown>>): string[] {
  return blocks.flatMap((block) => (typeof block['text'] === 'string' ? [block['text']] : []))
}

export function lastUserText(request: ConverseRequest): string {
  const last = request.messages.findLast((m) => m.role === 'user' && textsOf(m.content).length > 0)
  return last === undefined ? '' : textsOf(last.content).join('\n')
}

function inputWords(request: ConverseRequest): number {
  const system = textsOf(request.system ?? [])
  return countWords(...system, ...request.messages.flatMap((m) => textsOf(m.content)))
}

/** What a planner needs from any API's request: the text to echo and the input size. */
export interface Prompt {
  lastUserText: string
  inputTokens: number
}

export interface PlanOptions {
  /** Default tool call ids are this prefix plus a 1-based index. */
  toolCallIdPrefix?: string
}

export function planReply(request: ConverseRequest, reply: Reply = {}): ReplyPlan {
  return planPromptReply(
    { lastUserText: lastUserText(request), inputTokens: inputWords(request) },
    reply,
  )
}

export function planPromptReply(
  prompt: Prompt,
  reply: Reply = {},
  options: PlanOptions = {},
): ReplyPlan {
  const prefix = options.toolCallIdPrefix ?? 'tooluse_emulator_'
  const toolCalls = (reply.toolCalls ?? []).map((call, index) => ({
    id: call.id ?? `${prefix}${index + 1}`,
    name: call.name,
    input: call.input,
  }))
  const echo = toolCalls.length === 0 ? `Echo: ${prompt.lastUserText}` : undefined
  const text = reply.text ?? echo
  const reasoningText = reply.reasoning && 'text' in reply.reasoning ? reply.reasoning.text : ''
  const outputs = [text ?? '', reasoningText, ...toolCalls.map((c) => JSON.stringify(c.input))]
  const given = reply.usage ?? {}
  const inputTokens = given.inputTokens ?? prompt.inputTokens
  const outputTokens = given.outputTokens ?? countWords(...outputs)
  const cacheRead = given.cacheReadInputTokens
  const cacheWrite = given.cacheWriteInputTokens
  // Bedrock's inputTokens excludes cached tokens and totalTokens counts them again.
  const totalTokens =
    given.totalTokens ?? inputTokens + outputTokens + (cacheRead ?? 0) + (cacheWrite ?? 0)
  const usage: Usage = { inputTokens, outputTokens, totalTokens }
  if (cacheRead !== undefined) usage.cacheReadInputTokens = cacheRead
  if (cacheWrite !== undefined) usage.cacheWriteInputTokens = cacheWrite
  const plan: ReplyPlan = {
    toolCalls,
    stopReason: reply.stopReason ?? (toolCalls.length > 0 ? 'tool_use' : 'end_turn'),
    usage,
  }
  if (reply.reasoning !== undefined) plan.reasoning = reply.reasoning
  if (text !== undefined && text !== '') plan.text = text
  return plan
}
