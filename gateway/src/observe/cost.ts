// Estimated cost of one request from its token usage and a price table. Pure: the table comes in,
// so the gateway's metrics and the limits' USD budgets price a request the same way.
//
// Default prices: Amazon Bedrock on-demand, USD per million tokens, us-east-1, standard tier,
// from https://aws.amazon.com/bedrock/pricing/ as republished by the AWS Price List API (offer
// AmazonBedrock), read in 2026. Anthropic's prompt caching on Bedrock bills writes at 1.25× and
// reads at 0.1× the input price; Amazon Nova bills cache reads at 0.25× and writes as plain input.
// These are estimates: regional endpoints, batch, Flex/Priority tiers, provisioned throughput and
// private pricing all differ. Platform teams override them with --price-table (docs/metrics.md).
import { z } from 'zod'
import type { RequestRecord } from './request-record.ts'
import type { TokenUsage } from './token-usage.ts'

const usdPerMillion = z.number().nonnegative()

export const priceEntrySchema = z.strictObject({
  /** A model id prefix after normalisation (no ARN, no geo prefix), e.g. `anthropic.claude-sonnet-4`. */
  match: z.string().min(1).max(256),
  input: usdPerMillion,
  output: usdPerMillion,
  /** Cache reads; the input price when absent. */
  cachedInput: usdPerMillion.optional(),
  /** Cache writes; the input price when absent. */
  cacheWrite: usdPerMillion.optional(),
})

export const priceTableSchema = z.strictObject({
  /** Without it, a file's entries are added to the defaults and win over them. */
  replaceDefaults: z.boolean().optional(),
  models: z.array(priceEntrySchema),
})

export type PriceEntry = z.infer<typeof priceEntrySchema>
export type PriceTable = z.infer<typeof priceTableSchema>

const claude = (match: string, input: number, output: number): PriceEntry => ({
  match,
  input,
  output,
  cachedInput: input * 0.1,
  cacheWrite: input * 1.25,
})
const nova = (match: string, input: number, output: number): PriceEntry => ({
  match,
  input,
  output,
  cachedInput: input * 0.25,
})
const plain = (match: string, input: number, output: number): PriceEntry => ({
  match,
  input,
  output,
})

export const defaultPriceTable: PriceTable = {
  models: [
    claude('anthropic.claude-sonnet-4', 3, 15),
    claude('anthropic.claude-3-7-sonnet', 3, 15),
    claude('anthropic.claude-3-5-sonnet', 3, 15),
    claude('anthropic.claude-haiku-4', 1, 5),
    claude('anthropic.claude-3-5-haiku', 0.8, 4),
    claude('anthropic.claude-3-haiku', 0.25, 1.25),
    claude('anthropic.claude-opus-4-5', 5, 25),
    claude('anthropic.claude-opus-4-6', 5, 25),
    claude('anthropic.claude-opus-4-7', 5, 25),
    claude('anthropic.claude-opus-4', 15, 75),
    nova('amazon.nova-micro', 0.035, 0.14),
    nova('amazon.nova-lite', 0.06, 0.24),
    nova('amazon.nova-pro', 0.8, 3.2),
    nova('amazon.nova-premier', 2.5, 12.5),
    plain('openai.gpt-oss-120b', 0.15, 0.6),
    plain('openai.gpt-oss-20b', 0.07, 0.3),
    plain('amazon.titan-embed-text-v2', 0.02, 0),
    plain('amazon.titan-embed-text-v1', 0.1, 0),
    plain('cohere.embed-v4', 0.12, 0),
    plain('cohere.embed-english-v3', 0.1, 0),
    plain('cohere.embed-multilingual-v3', 0.1, 0),
    plain('meta.llama3-3-70b', 0.72, 0.72),
    plain('meta.llama3-1-70b', 0.72, 0.72),
    plain('meta.llama3-1-8b', 0.22, 0.22),
    plain('meta.llama3-2-1b', 0.1, 0.1),
    plain('meta.llama3-2-3b', 0.15, 0.15),
    plain('meta.llama4-maverick', 0.24, 0.97),
    plain('meta.llama4-scout', 0.17, 0.66),
    plain('mistral.mistral-large-2402', 4, 12),
    plain('mistral.mistral-large-2407', 2, 6),
    plain('mistral.pixtral-large', 2, 6),
    plain('mistral.mistral-small', 1, 3),
    plain('mistral.mixtral-8x7b', 0.45, 0.7),
    plain('mistral.mistral-7b', 0.15, 0.2),
  ],
}

// Cross-Region inference profiles put a geography in front of the model id; the price is the
// model's (the global profile is cheaper in places, which an override can express).
const geoPrefix = /^(us|eu|apac|ap|ca|jp|au|us-gov|global)\./

/**
 * The model id to look prices up by: an ARN becomes its resource id (`foundation-model/x`,
 * `inference-profile/us.x`), the geo prefix goes, and case is ignored. An application inference
 * profile ARN is opaque and stays unpriceable: price its base model id or family instead.
 */
export function normaliseModelId(modelId: string): string {
  let id = modelId.trim().toLowerCase()
  if (id.startsWith('arn:')) id = id.slice(id.lastIndexOf('/') + 1)
  return id.replace(geoPrefix, '')
}

// Every answer is priced two or three times (metrics, access log, budgets) against a table that
// never changes while the gateway runs: remember the match per table and model id. Model ids come
// from routes, so the memory is bounded by the table; the cap guards against hand-made churn.
const MAX_REMEMBERED = 1024
const remembered = new WeakMap<PriceTable, Map<string, PriceEntry | undefined>>()

/** The longest matching prefix wins, so `claude-opus-4-5` beats `claude-opus-4`. */
export function findPrice(modelId: string, table: PriceTable): PriceEntry | undefined {
  let known = remembered.get(table)
  if (known === undefined) {
    known = new Map()
    remembered.set(table, known)
  }
  if (known.has(modelId)) return known.get(modelId)
  const found = matchPrice(modelId, table)
  if (known.size < MAX_REMEMBERED) known.set(modelId, found)
  return found
}

function matchPrice(modelId: string, table: PriceTable): PriceEntry | undefined {
  const id = normaliseModelId(modelId)
  let best: PriceEntry | undefined
  for (const entry of table.models) {
    const match = normaliseModelId(entry.match)
    if (id.startsWith(match) && (best === undefined || match.length > best.match.length))
      best = { ...entry, match }
  }
  return best
}

/** US dollars for this usage, or undefined when the table has no price for the model. */
export function estimateCostUsd(
  usage: TokenUsage,
  modelId: string,
  table: PriceTable,
): number | undefined {
  const price = findPrice(modelId, table)
  if (price === undefined) return undefined
  // Reasoning tokens are part of `output` and billed as output: not added again.
  const micro =
    usage.input * price.input +
    usage.cachedInput * (price.cachedInput ?? price.input) +
    usage.cacheCreationInput * (price.cacheWrite ?? price.input) +
    usage.output * price.output
  return micro / 1_000_000
}

/**
 * The cost of a closed request: priced by its backend's model id, or by the backend's `family`
 * when the id is an opaque application inference profile ARN. Undefined without usage or price.
 */
export function recordCostUsd(
  record: Readonly<RequestRecord>,
  table: PriceTable,
): number | undefined {
  const { usage, backend } = record
  if (usage === undefined || backend === undefined) return undefined
  const cost = estimateCostUsd(usage, backend.modelId, table)
  if (cost !== undefined || backend.family === undefined) return cost
  return estimateCostUsd(usage, backend.family, table)
}

/** The file's entries first, so that on equal prefixes an override beats a default. */
export function withOverrides(overrides: PriceTable, defaults = defaultPriceTable): PriceTable {
  if (overrides.replaceDefaults === true) return { models: overrides.models }
  return { models: [...overrides.models, ...defaults.models] }
}

/** Parses a price table file's text; errors name the file and the bad field. */
export function parsePriceTable(text: string, source: string): PriceTable {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new Error(
      `${source}: not JSON: ${error instanceof Error ? error.message : String(error)}`,
    )
  }
  const result = priceTableSchema.safeParse(json)
  if (!result.success) throw new Error(`${source}: ${z.prettifyError(result.error)}`)
  return result.data
}
