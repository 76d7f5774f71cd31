// Standing behaviour per model, for tests that need a model to keep misbehaving rather than fail
// once: a share of errors, a slower first token, or a given stop reason on every answer. Unlike
// scenarios (scenarios.ts), nothing is used up; a behaviour holds until replaced or cleared. A
// request scripted by a scenario follows the scenario. Converse, ConverseStream, InvokeModel (Claude
// and embeddings), InvokeModelWithResponseStream and Mantle all follow it; a stop reason such as
// model_context_window_exceeded ends Claude's Messages answer too. Keyed by model id; an application inference
// profile ARN also answers to the model it was copied from, so a test can name the model the
// operator made a profile for.
import { z } from 'zod'
import { httpExceptionNames } from './aws-errors.ts'
import type { InferenceProfileStore } from './inference-profile-store.ts'
import { stopReasons, type Scenario } from './scenarios.ts'

const count = z.int().nonnegative()

export const behaviourSchema = z.strictObject({
  /** Share of requests answered with `exception` instead of a reply (0-100). */
  errorPercent: z.number().min(0).max(100).default(0),
  exception: z.enum(httpExceptionNames).default('InternalServerException'),
  /** The error's message, e.g. Bedrock's "Input is too long for requested model." */
  errorMessage: z.string().min(1).optional(),
  /** Added before the first token (and before a whole JSON answer). */
  firstTokenDelayMs: count.optional(),
  stopReason: z.enum(stopReasons).optional(),
  /** Fixed token counts, so that cost per request is known exactly. */
  inputTokens: count.optional(),
  outputTokens: count.optional(),
})

export const modelBehaviourSchema = z.strictObject({
  modelId: z.string().min(1),
  behaviour: behaviourSchema,
})

export type Behaviour = z.infer<typeof behaviourSchema>
export type BehaviourInput = z.input<typeof behaviourSchema>

/** The scenario one request gets from a behaviour; `draw` is in [0, 1). Pure. */
export function scenarioOf(behaviour: Behaviour, draw: number): Scenario {
  if (draw * 100 < behaviour.errorPercent)
    return {
      fault: {
        kind: 'error',
        exception: behaviour.exception,
        message: behaviour.errorMessage ?? 'The emulated model is scripted to fail.',
      },
    }
  const usage = {
    ...(behaviour.inputTokens === undefined ? {} : { inputTokens: behaviour.inputTokens }),
    ...(behaviour.outputTokens === undefined ? {} : { outputTokens: behaviour.outputTokens }),
  }
  const reply = {
    ...(behaviour.stopReason === undefined ? {} : { stopReason: behaviour.stopReason }),
    ...(Object.keys(usage).length > 0 ? { usage } : {}),
  }
  return {
    ...(Object.keys(reply).length > 0 ? { reply } : {}),
    ...(behaviour.firstTokenDelayMs === undefined
      ? {}
      : { firstTokenDelayMs: behaviour.firstTokenDelayMs }),
  }
}

export class ModelBehaviours {
  readonly #byModel = new Map<string, Behaviour>()

  set(modelId: string, behaviour: Behaviour): void {
    this.#byModel.set(modelId, behaviour)
  }

  /** The behaviour of the first of `modelIds` that has one. */
  find(modelIds: readonly string[]): Behaviour | undefined {
    for (const modelId of modelIds) {
      const behaviour = this.#byModel.get(modelId)
      if (behaviour !== undefined) return behaviour
    }
    return undefined
  }

  all(): Record<string, Behaviour> {
    return Object.fromEntries(this.#byModel)
  }

  clear(): void {
    this.#byModel.clear()
  }
}

/** The ids a request's model answers to: itself, and for a profile ARN the models it copies. */
export function modelIdsOf(modelId: string, profiles: Pick<InferenceProfileStore, 'find'>) {
  const profile = modelId.startsWith('arn:') ? profiles.find(modelId) : undefined
  const copied = (profile?.modelArns ?? []).map((arn) => arn.slice(arn.lastIndexOf('/') + 1))
  return [modelId, ...copied]
}
