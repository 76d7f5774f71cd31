// A lean Bedrock Runtime ApplyGuardrail client: the Converse client's endpoint, signing (service
// `bedrock`) and error map, one POST per check.
// Reference: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ApplyGuardrail.html
// (docs/reference/bedrock-runtime.md, "ApplyGuardrail"): POST
// /guardrail/{guardrailIdentifier}/version/{guardrailVersion}/apply, body {source, content},
// answer {usage, action: NONE|GUARDRAIL_INTERVENED, actionReason?, outputs: [{text}], assessments}.
import { Agent } from 'undici'
import { z } from 'zod'
import { errorFromResponse, type ConverseClientConfig } from './converse-client.ts'
import { readJson, signedPost } from './signed-exchange.ts'
import { invalidResponse } from '../errors/catalogue.ts'

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
})

export interface ApplyGuardrailResult {
  intervened: boolean
  /** The guardrail's blocked message, when it intervened and sent one. */
  message: string | undefined
}

export interface GuardrailClient {
  apply(call: ApplyGuardrailCall): Promise<ApplyGuardrailResult>
  close(): Promise<void>
}

export function applyGuardrailUrl(endpoint: URL, identifier: string, version: string): URL {
  const base = endpoint.pathname.replace(/\/+$/, '')
  const path = `${base}/guardrail/${encodeURIComponent(identifier)}/version/${encodeURIComponent(version)}/apply`
  return new URL(path, endpoint)
}

export function createGuardrailClient(config: ConverseClientConfig): GuardrailClient {
  const ownsDispatcher = config.dispatcher === undefined
  const dispatcher = config.dispatcher ?? new Agent({ keepAliveTimeout: 30_000, connections: 64 })
  return {
    async apply(call) {
      const endpoint = new URL(
        config.endpoint ?? `https://bedrock-runtime.${call.region}.amazonaws.com`,
      )
      const response = await signedPost(
        {
          dispatcher,
          signer: config.signer,
          url: applyGuardrailUrl(endpoint, call.identifier, call.version),
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({
            source: call.source,
            content: call.texts.map((text) => ({ text: { text } })),
          }),
          region: call.region,
          signal: call.signal,
          headersTimeoutMs: config.headersTimeoutMs ?? 30_000,
          bodyTimeoutMs: config.bodyTimeoutMs ?? 30_000,
        },
        errorFromResponse,
      )
      const parsed = applyGuardrailResponseSchema.safeParse(await readJson(response, call.signal))
      if (!parsed.success)
        throw invalidResponse('The guardrail service sent an invalid response.', parsed.error)
      const intervened = parsed.data.action === 'GUARDRAIL_INTERVENED'
      const message = (parsed.data.outputs ?? []).map((output) => output.text ?? '').join('')
      return { intervened, message: message === '' ? undefined : message }
    },
    async close() {
      if (ownsDispatcher) await dispatcher.close()
    },
  }
}
