// Model-native InvokeModel bodies of the embedding models (docs/reference/bedrock-runtime.md):
// Amazon Titan Text Embeddings V2 ("Amazon Titan Embeddings G1 - Text" page, V2 request/response)
// and Cohere Embed v3 / v4 (Bedrock user guide "Cohere Embed v3", "Cohere Embed v4"). Titan always
// returns `embeddingsByType`; Cohere answers `embeddings_floats` (a bare list) unless other types
// are asked for: v3 whenever `embedding_types` is given, v4 unless it is exactly ["float"].
import { z } from 'zod'
import { embedText, toBinary, toBits, toInt8, toUbinary, toUint8 } from './embedding-vectors.ts'
import { countWords } from './converse-reply.ts'

export interface EmbeddingResult {
  body: Record<string, unknown>
  inputTokens: number
}

export type EmbeddingOutcome =
  { ok: true; result: EmbeddingResult } | { ok: false; message: string }

const titanRequestSchema = z.strictObject({
  inputText: z.string().min(1),
  dimensions: z.union([z.literal(256), z.literal(512), z.literal(1024)]).optional(),
  normalize: z.boolean().optional(),
  embeddingTypes: z
    .array(z.enum(['float', 'binary']))
    .min(1)
    .optional(),
})

const cohereTypes = z.array(z.enum(['float', 'int8', 'uint8', 'binary', 'ubinary'])).min(1)

const cohereV3RequestSchema = z.strictObject({
  texts: z.array(z.string().max(2048)).max(96),
  input_type: z.enum(['search_document', 'search_query', 'classification', 'clustering']),
  truncate: z.enum(['NONE', 'START', 'END']).optional(),
  embedding_types: cohereTypes.optional(),
})

const cohereV4RequestSchema = z.strictObject({
  texts: z.array(z.string()).max(96).optional(),
  images: z.array(z.string()).max(96).optional(),
  inputs: z
    .array(
      z.looseObject({
        content: z.array(z.looseObject({ type: z.string(), text: z.string().optional() })),
      }),
    )
    .optional(),
  input_type: z.enum(['search_document', 'search_query', 'classification', 'clustering']),
  embedding_types: cohereTypes.optional(),
  output_dimension: z
    .union([z.literal(256), z.literal(512), z.literal(1024), z.literal(1536)])
    .optional(),
  max_tokens: z.int().positive().optional(),
  truncate: z.enum(['NONE', 'LEFT', 'RIGHT']).optional(),
})

/** Bedrock's JSON-schema wording for a model body it cannot accept. */
function malformed(error: z.ZodError): { ok: false; message: string } {
  const issue = error.issues[0]
  const path = ['#', ...(issue?.path ?? [])].join('/')
  const detail =
    issue?.code === 'unrecognized_keys'
      ? `extraneous key [${issue.keys.join(', ')}] is not permitted`
      : issue?.code === 'invalid_type' && issue.input === undefined
        ? `required key [${String(issue.path.at(-1))}] not found`
        : (issue?.message ?? 'invalid')
  return {
    ok: false,
    message: `Malformed input request: ${path}: ${detail}, please reformat your input and try again.`,
  }
}

export function titanEmbedding(modelId: string, body: unknown): EmbeddingOutcome {
  const parsed = titanRequestSchema.safeParse(body)
  if (!parsed.success) return malformed(parsed.error)
  const { inputText, dimensions = 1024, normalize = true, embeddingTypes = ['float'] } = parsed.data
  const embedding = embedText(modelId, inputText, dimensions, normalize)
  const byType: Record<string, number[]> = {}
  if (embeddingTypes.includes('float')) byType['float'] = embedding
  if (embeddingTypes.includes('binary')) byType['binary'] = toBits(embedding)
  const inputTokens = countWords(inputText)
  return {
    ok: true,
    result: {
      body: { embedding, inputTextTokenCount: inputTokens, embeddingsByType: byType },
      inputTokens,
    },
  }
}

const quantise: Record<string, (vector: number[]) => number[]> = {
  float: (vector) => vector,
  int8: toInt8,
  uint8: toUint8,
  binary: toBinary,
  ubinary: toUbinary,
}

function cohereBody(
  id: string,
  vectors: number[][],
  types: readonly string[] | undefined,
  byType: boolean,
): Record<string, unknown> {
  if (!byType) return { embeddings: vectors, id, response_type: 'embeddings_floats' }
  const embeddings = Object.fromEntries(
    (types ?? ['float']).map((type) => [type, vectors.map((v) => (quantise[type] ?? toInt8)(v))]),
  )
  return { embeddings, id, response_type: 'embeddings_by_type' }
}

export function cohereEmbedding(modelId: string, body: unknown, id: string): EmbeddingOutcome {
  if (modelId.startsWith('cohere.embed-v4')) {
    const parsed = cohereV4RequestSchema.safeParse(body)
    if (!parsed.success) return malformed(parsed.error)
    const request = parsed.data
    const fromInputs = (request.inputs ?? []).map((input) =>
      input.content.map((part) => part.text ?? '').join(' '),
    )
    const texts = [...(request.texts ?? []), ...(request.images ?? []), ...fromInputs]
    const size = request.output_dimension ?? 1536
    const vectors = texts.map((text) => embedText(modelId, text, size))
    const types = request.embedding_types
    const byType = types !== undefined && !(types.length === 1 && types[0] === 'float')
    const out = cohereBody(id, vectors, types, byType)
    if (request.texts !== undefined) out['texts'] = request.texts
    if (request.inputs !== undefined) out['inputs'] = request.inputs
    return { ok: true, result: { body: out, inputTokens: countWords(...texts) } }
  }
  const parsed = cohereV3RequestSchema.safeParse(body)
  if (!parsed.success) return malformed(parsed.error)
  const { texts, embedding_types: types } = parsed.data
  const vectors = texts.map((text) => embedText(modelId, text, 1024))
  const out = { ...cohereBody(id, vectors, types, types !== undefined), texts }
  return { ok: true, result: { body: out, inputTokens: countWords(...texts) } }
}
