// A lean Bedrock Runtime ApplyGuardrail client: the Converse client's endpoint, signing (service
// `bedrock`) and error map, one POST per check.
// Reference: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ApplyGuardrail.html
// (docs/reference/bedrock-runtime.md, "ApplyGuardrail"): POST
// /guardrail/{guardrailIdentifier}/version/{guardrailVersion}/apply, body {source, content},
// answer {usage, action: NONE|GUARDRAIL_INTERVENED, actionReason?, outputs: [{text}], assessments},
// read by guardrail-verdict.ts (a block, or text only masked).
import { Agent } from 'undici'
import { z } from 'zod'
import { runtimeClient, runtimeEndpoint, type ConverseClientConfig } from './converse-client.ts'
import { gatewayError, invalidResponse } from '../errors/catalogue.ts'
import { GatewayError } from '../errors/gateway-error.ts'
import { guardrailVerdict, type ApplyGuardrailResult } from './guardrail-verdict.ts'

export type { ApplyGuardrailResult } from './guardrail-verdict.ts'

export interface ApplyGuardrailCall {
  identifier: string
  version: string
  region: string
  source: 'INPUT' | 'OUTPUT'
  texts: string[]
  signal: AbortSignal
}

// Lenient with upstream: only what the gateway acts on.
const applyGuardrailResponseSchema = z.looseObject({
  action: z.string(),
  actionReason: z.string().nullish(),
  outputs: z.array(z.looseObject({ text: z.string().nullish() })).nullish(),
  assessments: z.array(z.unknown()).nullish(),
})

export interface GuardrailClient {
  apply(call: ApplyGuardrailCall): Promise<ApplyGuardrailResult>
  close(): Promise<void>
}

/**
 * A guardrail that does not exist is the gateway's configuration failing, not the caller's model:
 * Bedrock's ResourceNotFoundException would otherwise read as OpenAI's `404 model_not_found` ("the
 * model does not exist or you do not have access to it") for a model that does exist.
 */
export function guardrailFailure(error: unknown): unknown {
  if (!(error instanceof GatewayError) || error.upstreamType !== 'ResourceNotFoundException')
    return error
  return gatewayError(
    'guardrail_not_found',
    `The route's guardrail could not be applied: ${error.message}`,
    { upstreamType: error.upstreamType, cause: error },
  )
}

export function applyGuardrailUrl(endpoint: URL, identifier: string, version: string): URL {
  const base = endpoint.pathname.replace(/\/+$/, '')
  const path = `${base}/guardrail/${encodeURIComponent(identifier)}/version/${encodeURIComponent(version)}/apply`
  return new URL(path, endpoint)
}

// A check is short and off the model's path: its own small pool, and 30 s timeouts by default.
const guardrailTimeoutMs = 30_000

export function createGuardrailClient(config: ConverseClientConfig): GuardrailClient {
  const client = runtimeClient(config, {
    createDispatcher: () => new Agent({ keepAliveTimeout: 30_000, connections: 64 }),
    defaultTimeoutMs: guardrailTimeoutMs,
  })
  return {
    async apply(call) {
      const answer = await client
        .json({
          url: applyGuardrailUrl(
            runtimeEndpoint(config, call.region),
            call.identifier,
            call.version,
          ),
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: {
            source: call.source,
            content: call.texts.map((text) => ({ text: { text } })),
          },
          region: call.region,
          signal: call.signal,
        })
        .catch((error: unknown) => {
          throw guardrailFailure(error)
        })
      const parsed = applyGuardrailResponseSchema.safeParse(answer)
      if (!parsed.success)
        throw invalidResponse('The guardrail service sent an invalid response.', parsed.error)
      return guardrailVerdict(parsed.data, call.texts)
    },
    close: () => client.close(),
  }
}
