// Bedrock Guardrails as the emulator plays them: every well-formed guardrail id exists, and each
// one blocks any text containing GUARDRAIL_TRIGGER_WORD (a word-policy custom word), so tests
// script an intervention by what they say, or by the reply they script for the model.
// Wire formats (docs/reference/bedrock-runtime.md, Converse and "ApplyGuardrail"):
// - ApplyGuardrail: POST /guardrail/{guardrailIdentifier}/version/{guardrailVersion}/apply,
//   body {source: INPUT|OUTPUT, content: [{text: {text}}]}, answer {usage, action, actionReason?,
//   outputs: [{text}], assessments: [GuardrailAssessment]}.
// - Converse with guardrailConfig: an intervention answers stopReason `guardrail_intervened` with
//   the guardrail's blocked message as the only text, and `trace.guardrail` when trace is enabled:
//   inputAssessment {id → assessment} or outputAssessments {id → [assessment]}.
import { z } from 'zod'
import { sendAwsError, sendAwsFault } from './aws-errors.ts'
import type { ReplyPlan } from './converse-reply.ts'
import type { ConverseRequest } from './converse-validation.ts'
import type { EmulatorState } from './emulator-state.ts'
import { answeredByFault } from './fault-response.ts'
import { sendJson } from './http-io.ts'
import type { Exchange, Route } from './router.ts'

export const GUARDRAIL_TRIGGER_WORD = 'forbidden'
export const BLOCKED_INPUT_MESSAGE = 'Sorry, the model cannot answer this question.'
export const BLOCKED_OUTPUT_MESSAGE = 'Sorry, the answer was blocked by a guardrail.'

const identifierPattern =
  /^(([a-z0-9]+)|(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:guardrail\/[a-z0-9]+))$/
const versionPattern = /^(([1-9][0-9]{0,7})|(DRAFT))$/

export const guardrailConfigSchema = z.looseObject({
  guardrailIdentifier: z.string().regex(identifierPattern),
  guardrailVersion: z.string().regex(versionPattern),
  trace: z.enum(['enabled', 'disabled', 'enabled_full']).optional(),
  streamProcessingMode: z.enum(['sync', 'async']).optional(),
})

export type GuardrailConfig = z.infer<typeof guardrailConfigSchema>

export interface Assessment {
  wordPolicy: { customWords: { match: string; action: 'BLOCKED'; detected: true }[] }
}

/** The assessment of `texts`, or undefined when nothing in them is blocked. */
export function assess(texts: readonly string[]): Assessment | undefined {
  const pattern = new RegExp(`\\b${GUARDRAIL_TRIGGER_WORD}\\b`, 'i')
  if (!texts.some((text) => pattern.test(text))) return undefined
  return {
    wordPolicy: {
      customWords: [{ match: GUARDRAIL_TRIGGER_WORD, action: 'BLOCKED', detected: true }],
    },
  }
}

const textsOf = (blocks: ReadonlyArray<Record<string, unknown>>): string[] =>
  blocks.flatMap((block) => (typeof block['text'] === 'string' ? [block['text']] : []))

export interface GuardedReply {
  plan: ReplyPlan
  /** `trace` for the response or the stream's metadata event, when the request asked for it. */
  trace?: Record<string, unknown>
}

/**
 * Applies the request's guardrailConfig to a planned reply. The input is every user and system
 * text (Converse guards the whole conversation when no guardContent block narrows it).
 */
export function guardConverse(request: ConverseRequest, plan: ReplyPlan): GuardedReply {
  const parsed = guardrailConfigSchema.safeParse(request['guardrailConfig'])
  if (!parsed.success) return { plan }
  const config = parsed.data
  const traced = config.trace === 'enabled' || config.trace === 'enabled_full'
  const id = config.guardrailIdentifier
  const inputTexts = [
    ...textsOf(request.system ?? []),
    ...request.messages.filter((m) => m.role === 'user').flatMap((m) => textsOf(m.content)),
  ]
  const blocked = (text: string, usage: ReplyPlan['usage']): ReplyPlan => ({
    text,
    toolCalls: [],
    stopReason: 'guardrail_intervened',
    usage,
  })
  const input = assess(inputTexts)
  if (input !== undefined) {
    const usage = { ...plan.usage, outputTokens: 0, totalTokens: plan.usage.inputTokens }
    const trace = { guardrail: { inputAssessment: { [id]: input } } }
    return { plan: blocked(BLOCKED_INPUT_MESSAGE, usage), ...(traced ? { trace } : {}) }
  }
  const output = assess([plan.text ?? ''])
  if (output !== undefined) {
    const guardrail: Record<string, unknown> = { outputAssessments: { [id]: [output] } }
    if (config.trace === 'enabled_full') guardrail['modelOutput'] = [plan.text ?? '']
    return {
      plan: blocked(BLOCKED_OUTPUT_MESSAGE, plan.usage),
      ...(traced ? { trace: { guardrail } } : {}),
    }
  }
  return traced ? { plan, trace: { guardrail: { inputAssessment: { [id]: {} } } } } : { plan }
}

const applyRequestSchema = z.looseObject({
  source: z.enum(['INPUT', 'OUTPUT']),
  content: z.array(z.looseObject({ text: z.looseObject({ text: z.string() }).optional() })).min(1),
  outputScope: z.enum(['INTERVENTIONS', 'FULL']).optional(),
})

async function handleApply(exchange: Exchange, state: EmulatorState): Promise<void> {
  const scenario = state.scenarios.take({ operation: 'apply-guardrail' }) ?? {}
  const sendFault = sendAwsFault.bind(undefined, exchange.res, exchange.requestId)
  if (await answeredByFault(exchange, scenario.fault, false, sendFault)) return
  const id = exchange.params['guardrailIdentifier'] ?? ''
  const version = exchange.params['guardrailVersion'] ?? ''
  if (!identifierPattern.test(id) || !versionPattern.test(version)) {
    const message = 'The guardrail identifier or version provided in the request does not exist.'
    sendAwsError(exchange.res, exchange.requestId, 'ResourceNotFoundException', message)
    return
  }
  const parsed = applyRequestSchema.safeParse(exchange.body)
  if (!parsed.success) {
    const message = `1 validation error detected: ${parsed.error.issues[0]?.message ?? 'invalid request'}`
    sendAwsError(exchange.res, exchange.requestId, 'ValidationException', message)
    return
  }
  const texts = parsed.data.content.flatMap((block) => (block.text ? [block.text.text] : []))
  const assessment = assess(texts)
  const message = parsed.data.source === 'INPUT' ? BLOCKED_INPUT_MESSAGE : BLOCKED_OUTPUT_MESSAGE
  // Word policies are billed per text unit of 1,000 characters.
  const units = texts.reduce((sum, text) => sum + Math.max(1, Math.ceil(text.length / 1000)), 0)
  sendJson(
    exchange.res,
    200,
    {
      usage: {
        topicPolicyUnits: 0,
        contentPolicyUnits: 0,
        wordPolicyUnits: units,
        sensitiveInformationPolicyUnits: 0,
        sensitiveInformationPolicyFreeUnits: 0,
        contextualGroundingPolicyUnits: 0,
      },
      action: assessment === undefined ? 'NONE' : 'GUARDRAIL_INTERVENED',
      ...(assessment === undefined ? {} : { actionReason: 'Guardrail blocked.' }),
      outputs: assessment === undefined ? [] : [{ text: message }],
      assessments: assessment === undefined ? [{}] : [assessment],
    },
    { 'x-amzn-RequestId': exchange.requestId },
  )
}

export function guardrailRoutes(state: EmulatorState): Route[] {
  return [
    {
      method: 'POST',
      pattern: '/guardrail/{guardrailIdentifier}/version/{guardrailVersion}/apply',
      operation: 'apply-guardrail',
      handle: (exchange) => handleApply(exchange, state),
    },
  ]
}
