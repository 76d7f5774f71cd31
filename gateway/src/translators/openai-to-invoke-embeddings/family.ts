// What one embedding model family contributes to the OpenAI Embeddings ⇄ InvokeModel translation:
// its native request bodies and how to read its native answers. Families are picked by the
// explicit registry in request.ts, never by switches inside a transform (docs/architecture.md,
// "Rules the code keeps"). InvokeModel takes the model-native body
// (docs/reference/bedrock-runtime.md, "InvokeModel (embeddings)").

/** One InvokeModel answer: the model-native JSON and Bedrock's input-token header, if sent. */
export interface InvokeReply {
  body: unknown
  inputTokens?: number | undefined
}

export interface EmbeddingOptions {
  /** The base model id (not a profile ARN): the family's capabilities depend on the version. */
  modelId: string
  dimensions?: number | undefined
}

export interface EmbeddingVectors {
  /** One vector per input text, in input order. */
  vectors: number[][]
  inputTokens: number
}

export interface EmbeddingFamily {
  /** The vector sizes a model of the family offers. */
  dimensions(modelId: string): readonly number[]
  /** The InvokeModel bodies for these texts, one call each; throws a 400 for what the model cannot do. */
  bodies(texts: readonly string[], options: EmbeddingOptions): Record<string, unknown>[]
  /** Reads the replies to `bodies`, in the same order; throws a 502 on an unusable answer. */
  read(replies: readonly InvokeReply[]): EmbeddingVectors
}
