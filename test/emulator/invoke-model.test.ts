import {
  InvokeModelCommand,
  ResourceNotFoundException,
  ThrottlingException,
  ValidationException,
  type BedrockRuntimeClient,
} from '@aws-sdk/client-bedrock-runtime'
import { describe, expect, it } from 'vitest'
import { embedText, toBits, toInt8 } from './embedding-vectors.ts'
import { startEmulator } from './emulator.ts'
import { useEmulator } from './use-emulator.ts'
import { sigv4Client } from './sdk-clients.ts'

const titan = 'amazon.titan-embed-text-v2:0'
const emulator = useEmulator()

/** A client that also keeps the raw response headers of its last call. */
function clientWithHeaders(): {
  client: BedrockRuntimeClient
  headers: () => Record<string, string>
} {
  const client = sigv4Client(emulator.url)
  let last: Record<string, string> = {}
  client.middlewareStack.add(
    (next) => async (args) => {
      const out = await next(args)
      const response = out.response as { headers?: Record<string, string> }
      last = response.headers ?? {}
      return out
    },
    { step: 'deserialize', name: 'keepHeaders' },
  )
  return { client, headers: () => last }
}

async function invoke(
  modelId: string,
  body: unknown,
  client = sigv4Client(emulator.url),
): Promise<unknown> {
  const out = await client.send(
    new InvokeModelCommand({
      modelId,
      contentType: 'application/json',
      accept: 'application/json',
      body: JSON.stringify(body),
    }),
  )
  expect(out.contentType).toBe('application/json')
  return JSON.parse(new TextDecoder().decode(out.body)) as unknown
}

describe('InvokeModel embeddings', () => {
  it('embeds with Titan V2: defaults, embeddingsByType always present, token headers', async () => {
    const { client, headers } = clientWithHeaders()
    const out = await invoke(titan, { inputText: 'hello embedding world' }, client)
    const vector = embedText(titan, 'hello embedding world', 1024)
    expect(out).toEqual({
      embedding: vector,
      inputTextTokenCount: 3,
      embeddingsByType: { float: vector },
    })
    expect(headers()['x-amzn-bedrock-input-token-count']).toBe('3')
    expect(Number(headers()['x-amzn-bedrock-invocation-latency'])).toBeGreaterThanOrEqual(0)
    expect(emulator.requests()).toMatchObject([
      {
        operation: 'invoke-model',
        modelId: titan,
        path: '/model/amazon.titan-embed-text-v2%3A0/invoke',
      },
    ])
  })

  it('honours Titan dimensions, normalize and binary embeddingTypes', async () => {
    const out = (await invoke(titan, {
      inputText: 'x',
      dimensions: 256,
      normalize: false,
      embeddingTypes: ['binary'],
    })) as { embedding: number[]; embeddingsByType: Record<string, number[]> }
    const raw = embedText(titan, 'x', 256, false)
    expect(out.embedding).toEqual(raw)
    expect(out.embeddingsByType).toEqual({ binary: toBits(raw) })
  })

  it('rejects a malformed Titan body the way Bedrock words it', async () => {
    const error = await invoke(titan, { inputText: 'x', dimensions: 300 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ValidationException)
    expect((error as Error).message).toMatch(
      /^Malformed input request: #\/dimensions: .*please reformat/,
    )
    const extra = await invoke(titan, { inputText: 'x', foo: 1 }).catch((e: unknown) => e)
    expect((extra as Error).message).toContain('extraneous key [foo] is not permitted')
  })

  it('embeds with Cohere v3 as embeddings_floats, or by type when types are asked for', async () => {
    const model = 'cohere.embed-english-v3'
    const floats = (await invoke(model, {
      texts: ['a b', 'c'],
      input_type: 'search_document',
    })) as Record<string, unknown>
    expect(floats).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      embeddings: [embedText(model, 'a b', 1024), embedText(model, 'c', 1024)],
      texts: ['a b', 'c'],
      response_type: 'embeddings_floats',
    })
    const typed = (await invoke(model, {
      texts: ['a b'],
      input_type: 'search_query',
      embedding_types: ['int8', 'float'],
    })) as { embeddings: Record<string, number[][]>; response_type: string }
    expect(typed.response_type).toBe('embeddings_by_type')
    expect(typed.embeddings['int8']).toEqual([toInt8(embedText(model, 'a b', 1024))])
    expect(typed.embeddings['float']?.[0]?.length).toBe(1024)
  })

  it('embeds with Cohere v4 through a system profile, output_dimension and ubinary', async () => {
    const out = (await invoke('us.cohere.embed-v4:0', {
      texts: ['hi'],
      input_type: 'classification',
      output_dimension: 256,
      embedding_types: ['ubinary'],
    })) as { embeddings: { ubinary: number[][] }; response_type: string }
    expect(out.response_type).toBe('embeddings_by_type')
    expect(out.embeddings.ubinary[0]).toHaveLength(32)
    const plain = (await invoke('cohere.embed-v4:0', {
      texts: ['hi'],
      input_type: 'classification',
      embedding_types: ['float'],
    })) as { embeddings: number[][]; response_type: string }
    expect(plain.response_type).toBe('embeddings_floats')
    expect(plain.embeddings[0]).toEqual(embedText('cohere.embed-v4:0', 'hi', 1536))
  })

  it('answers non-embedding and unknown models with ValidationException, faults as scripted', async () => {
    await expect(invoke('anthropic.claude-opus-4-7', {})).rejects.toBeInstanceOf(
      ValidationException,
    )
    await expect(invoke('no.such-model', {})).rejects.toThrow(
      'The provided model identifier is invalid.',
    )
    emulator.script({
      match: { operation: 'invoke-model' },
      scenario: { fault: { kind: 'error', exception: 'ThrottlingException' } },
    })
    await expect(invoke(titan, { inputText: 'x' })).rejects.toBeInstanceOf(ThrottlingException)
  })

  it('refuses an unknown application profile ARN only on a strict emulator', async () => {
    const strict = await startEmulator({ strictProfiles: true })
    try {
      const arn =
        'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abcdefabcdef'
      const error = await invoke(arn, { inputText: 'x' }, sigv4Client(strict.url)).catch(
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(ResourceNotFoundException)
    } finally {
      await strict.close()
    }
  })
})
