import { describe, expect, it } from 'vitest'
import type { ConverseRequest } from '../../upstream/converse-shapes.ts'
import {
  hello,
  images,
  png,
  remote,
  translate,
} from '../../../test-support/converse-stream-fixtures/translate-request.ts'
import type { ConverseRequestContext } from './request.ts'

interface MappingCase {
  name: string
  body: Record<string, unknown>
  context?: Partial<ConverseRequestContext>
  expected: { [K in keyof ConverseRequest]?: ConverseRequest[K] | undefined }
}

const mappings: MappingCase[] = [
  {
    name: 'system and developer messages become system blocks, in order',
    body: {
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Use French.' }] },
        ...hello,
      ],
    },
    expected: {
      system: [{ text: 'Be brief.' }, { text: 'Use French.' }],
      messages: [{ role: 'user', content: [{ text: 'Hello' }] }],
    },
  },
  {
    name: 'user text and data-URL images become text and image blocks',
    body: {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            {
              type: 'image_url',
              image_url: { url: `data:image/png;base64,${png}`, detail: 'high' },
            },
            { type: 'image_url', image_url: { url: `data:image/jpg;base64,${png}` } },
            { type: 'image_url', image_url: { url: `data:image/webp;base64,${png}` } },
          ],
        },
      ],
    },
    expected: {
      messages: [
        {
          role: 'user',
          content: [
            { text: 'What is this?' },
            { image: { format: 'png', source: { bytes: png } } },
            { image: { format: 'jpeg', source: { bytes: png } } },
            { image: { format: 'webp', source: { bytes: png } } },
          ],
        },
      ],
    },
  },
  {
    name: 'a remote image URL uses the bytes the backend fetched',
    body: {
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: remote } }] }],
    },
    context: { images },
    expected: {
      messages: [{ role: 'user', content: [{ image: { format: 'png', source: { bytes: png } } }] }],
    },
  },
  {
    name: 'an inline PDF file becomes a document block with a clean name',
    body: {
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'file',
              file: {
                filename: 'Q3 report (final).v2.pdf',
                file_data: 'data:application/pdf;base64,JVBERi0=',
              },
            },
          ],
        },
      ],
    },
    expected: {
      messages: [
        {
          role: 'user',
          content: [
            {
              document: {
                format: 'pdf',
                name: 'Q3 report (final)-v2',
                source: { bytes: 'JVBERi0=' },
              },
            },
          ],
        },
      ],
    },
  },
  {
    name: 'consecutive same-role messages merge so roles alternate; empty ones vanish',
    body: {
      messages: [
        { role: 'user', content: 'one' },
        { role: 'user', content: '   ' },
        { role: 'user', content: 'two' },
        { role: 'assistant', content: 'three' },
        { role: 'assistant', content: null },
        { role: 'assistant', content: [{ type: 'refusal', refusal: 'four' }] },
      ],
    },
    expected: {
      messages: [
        { role: 'user', content: [{ text: 'one' }, { text: 'two' }] },
        { role: 'assistant', content: [{ text: 'three' }, { text: 'four' }] },
      ],
    },
  },
  {
    name: 'a conversation that starts with the assistant gets a user turn first, as Converse needs',
    body: {
      messages: [
        { role: 'system', content: 'Be kind.' },
        { role: 'assistant', content: 'Hello! How can I help?' },
        { role: 'user', content: 'Weather?' },
      ],
    },
    expected: {
      system: [{ text: 'Be kind.' }],
      messages: [
        { role: 'user', content: [{ text: '.' }] },
        { role: 'assistant', content: [{ text: 'Hello! How can I help?' }] },
        { role: 'user', content: [{ text: 'Weather?' }] },
      ],
    },
  },
  {
    name: 'unsigned reasoning is not replayed',
    body: {
      messages: [
        ...hello,
        { role: 'assistant', content: 'Hi', reasoning_content: 'musing' },
        { role: 'user', content: 'Bye' },
      ],
    },
    expected: {
      messages: [
        { role: 'user', content: [{ text: 'Hello' }] },
        { role: 'assistant', content: [{ text: 'Hi' }] },
        { role: 'user', content: [{ text: 'Bye' }] },
      ],
    },
  },
  {
    name: 'sampling and limits map to inferenceConfig',
    body: { max_completion_tokens: 500, temperature: 0.7, top_p: 0.9, stop: 'END' },
    expected: {
      inferenceConfig: { maxTokens: 500, temperature: 0.7, topP: 0.9, stopSequences: ['END'] },
    },
  },
  {
    name: 'max_tokens maps to maxTokens, stop arrays pass',
    body: { max_tokens: 64, stop: ['a', 'b'] },
    expected: { inferenceConfig: { maxTokens: 64, stopSequences: ['a', 'b'] } },
  },
  {
    name: 'empty stop sequences are left out, which Bedrock would refuse',
    body: { max_tokens: 64, stop: ['', 'END'] },
    expected: { inferenceConfig: { maxTokens: 64, stopSequences: ['END'] } },
  },
  {
    name: 'an empty stop string sends no stop sequences at all',
    body: { max_tokens: 64, stop: '' },
    expected: { inferenceConfig: { maxTokens: 64 } },
  },
  {
    name: 'equal max_tokens and max_completion_tokens are fine',
    body: { max_tokens: 64, max_completion_tokens: 64, temperature: 1 },
    expected: { inferenceConfig: { maxTokens: 64, temperature: 1 } },
  },
  {
    name: 'response_format json_schema becomes outputConfig.textFormat with a string schema',
    body: {
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'person',
          description: 'A person',
          strict: true,
          schema: {
            type: 'object',
            properties: { name: { type: 'string' } },
            required: ['name'],
            additionalProperties: false,
          },
        },
      },
    },
    expected: {
      outputConfig: {
        textFormat: {
          type: 'json_schema',
          structure: {
            jsonSchema: {
              schema:
                '{"type":"object","properties":{"name":{"type":"string"}},"required":["name"],"additionalProperties":false}',
              name: 'person',
              description: 'A person',
            },
          },
        },
      },
    },
  },
  {
    name: 'response_format text needs nothing',
    body: { response_format: { type: 'text' } },
    expected: { outputConfig: undefined },
  },
  {
    name: 'metadata, user and safety_identifier become requestMetadata',
    body: {
      metadata: { team: 'search', ticket: 'ABC-12' },
      user: 'user@example.com',
      safety_identifier: 'hash:9f86d0',
    },
    expected: {
      requestMetadata: {
        team: 'search',
        ticket: 'ABC-12',
        user: 'user@example.com',
        safety_identifier: 'hash:9f86d0',
      },
    },
  },
  {
    name: 'service_tier priority maps',
    body: { service_tier: 'priority' },
    expected: { serviceTier: { type: 'priority' } },
  },
  {
    name: 'service_tier auto is Bedrock default',
    body: { service_tier: 'auto' },
    expected: { serviceTier: undefined },
  },
  {
    name: 'neutral values of unsupported parameters are accepted',
    body: {
      n: 1,
      logprobs: false,
      top_logprobs: 0,
      frequency_penalty: 0,
      presence_penalty: 0,
      logit_bias: {},
      modalities: ['text'],
      store: false,
      parallel_tool_calls: true,
      stream: true,
      stream_options: { include_usage: true },
      seed: 7,
    },
    expected: { messages: [{ role: 'user', content: [{ text: 'Hello' }] }] },
  },
]

describe('OpenAI → Converse request mapping', () => {
  it.each(mappings)('$name', ({ body, context, expected }) => {
    const result = translate(body, context)
    for (const [key, value] of Object.entries(expected))
      expect(result[key as keyof ConverseRequest]).toEqual(value)
  })

  it('leaves out every optional field for a plain request', () => {
    expect(translate({})).toEqual({ messages: [{ role: 'user', content: [{ text: 'Hello' }] }] })
  })
})

describe('reasoning_effort through the request', () => {
  it('shrinks the thinking budget below a small max_completion_tokens', () => {
    const result = translate({ reasoning_effort: 'high', max_completion_tokens: 4000 })
    expect(result.additionalModelRequestFields).toEqual({
      thinking: { type: 'enabled', budget_tokens: 3999 },
    })
    expect(result.inferenceConfig).toEqual({ maxTokens: 4000 })
  })

  it('uses adaptive thinking and outputConfig.effort on Claude 4.6 behind an ARN with a known base model', () => {
    const result = translate(
      {
        reasoning_effort: 'medium',
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'x', schema: { type: 'object' } },
        },
      },
      {
        modelId:
          'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abcd1234efgh',
        baseModelId: 'anthropic.claude-opus-4-6-v1',
      },
    )
    expect(result.additionalModelRequestFields).toEqual({ thinking: { type: 'adaptive' } })
    expect(result.outputConfig?.effort).toBe('medium')
    expect(result.outputConfig?.textFormat?.structure.jsonSchema.name).toBe('x')
  })
})
