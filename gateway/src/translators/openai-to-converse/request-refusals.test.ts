import { describe, expect, it } from 'vitest'
import { parseChatCompletionRequest } from '../../openai/chat-completions.ts'
import {
  hello,
  png,
  refusal,
  remote,
  toolCall,
  weatherTool,
} from '../../../test-support/converse-stream-fixtures/translate-request.ts'
import { droppedParameters } from './parameter-policy.ts'
import type { ConverseRequestContext } from './request.ts'

interface RefusalCase {
  name: string
  body: Record<string, unknown>
  param: string
  code: string
  context?: Partial<ConverseRequestContext>
}

const refusals: RefusalCase[] = [
  { name: 'n > 1', body: { n: 2 }, param: 'n', code: 'unsupported_value' },
  { name: 'logprobs', body: { logprobs: true }, param: 'logprobs', code: 'unsupported_value' },
  {
    name: 'top_logprobs',
    body: { top_logprobs: 3 },
    param: 'top_logprobs',
    code: 'unsupported_parameter',
  },
  {
    name: 'frequency_penalty',
    body: { frequency_penalty: 0.5 },
    param: 'frequency_penalty',
    code: 'unsupported_value',
  },
  {
    name: 'presence_penalty',
    body: { presence_penalty: -1 },
    param: 'presence_penalty',
    code: 'unsupported_value',
  },
  {
    name: 'logit_bias',
    body: { logit_bias: { '50256': -100 } },
    param: 'logit_bias',
    code: 'unsupported_parameter',
  },
  {
    name: 'audio output',
    body: { audio: { voice: 'alloy', format: 'mp3' } },
    param: 'audio',
    code: 'unsupported_parameter',
  },
  {
    name: 'audio modality',
    body: { modalities: ['text', 'audio'] },
    param: 'modalities',
    code: 'unsupported_value',
  },
  {
    name: 'functions',
    body: { functions: [{ name: 'f' }] },
    param: 'functions',
    code: 'unsupported_parameter',
  },
  {
    name: 'function_call',
    body: { function_call: 'auto' },
    param: 'function_call',
    code: 'unsupported_parameter',
  },
  {
    name: 'verbosity',
    body: { verbosity: 'low' },
    param: 'verbosity',
    code: 'unsupported_parameter',
  },
  {
    name: 'web_search_options',
    body: { web_search_options: {} },
    param: 'web_search_options',
    code: 'unsupported_parameter',
  },
  { name: 'store', body: { store: true }, param: 'store', code: 'unsupported_value' },
  {
    name: 'service_tier scale',
    body: { service_tier: 'scale' },
    param: 'service_tier',
    code: 'unsupported_value',
  },
  {
    name: 'temperature above 1',
    body: { temperature: 1.5 },
    param: 'temperature',
    code: 'unsupported_value',
  },
  {
    name: 'conflicting max tokens',
    body: { max_tokens: 10, max_completion_tokens: 20 },
    param: 'max_tokens',
    code: 'unsupported_value',
  },
  {
    name: 'json_object',
    body: { response_format: { type: 'json_object' } },
    param: 'response_format.type',
    code: 'unsupported_value',
  },
  {
    name: 'json_schema without schema',
    body: { response_format: { type: 'json_schema', json_schema: { name: 'x' } } },
    param: 'response_format.json_schema.schema',
    code: 'missing_required_parameter',
  },
  {
    name: 'a remote image without a fetcher',
    body: {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'see' },
            { type: 'image_url', image_url: { url: remote } },
          ],
        },
      ],
    },
    param: 'messages[0].content[1].image_url',
    code: 'image_url_not_supported',
  },
  {
    name: 'a data URL that is not base64',
    body: {
      messages: [
        {
          role: 'user',
          content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,!!!!' } }],
        },
      ],
    },
    param: 'messages[0].content[0].image_url',
    code: 'invalid_image_url',
  },
  {
    name: 'an image format Converse lacks',
    body: {
      messages: [
        {
          role: 'user',
          content: [{ type: 'image_url', image_url: { url: `data:image/bmp;base64,${png}` } }],
        },
      ],
    },
    param: 'messages[0].content[0].image_url',
    code: 'invalid_image_format',
  },
  {
    name: 'audio input',
    body: {
      messages: [
        {
          role: 'user',
          content: [{ type: 'input_audio', input_audio: { data: png, format: 'wav' } }],
        },
      ],
    },
    param: 'messages[0].content[0].type',
    code: 'unsupported_value',
  },
  {
    name: 'a file id',
    body: {
      messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: 'file-abc' } }] }],
    },
    param: 'messages[0].content[0].file.file_id',
    code: 'unsupported_value',
  },
  {
    name: 'a file type Converse lacks',
    body: {
      messages: [
        {
          role: 'user',
          content: [{ type: 'file', file: { file_data: 'data:application/zip;base64,UEsDBA==' } }],
        },
      ],
    },
    param: 'messages[0].content[0].file.file_data',
    code: 'invalid_value',
  },
  {
    name: 'a function-role message',
    body: { messages: [{ role: 'function', name: 'f', content: 'x' }] },
    param: 'messages[0].role',
    code: 'unsupported_value',
  },
  {
    name: 'tool arguments that are not JSON',
    body: {
      messages: [...hello, { role: 'assistant', tool_calls: [toolCall('t1', 'f', '{oops')] }],
    },
    param: 'messages[1].tool_calls[0].function.arguments',
    code: 'invalid_value',
  },
  {
    name: 'a custom tool call in history',
    body: {
      messages: [
        ...hello,
        {
          role: 'assistant',
          tool_calls: [{ id: 'c1', type: 'custom', custom: { name: 'g', input: 'x' } }],
        },
      ],
    },
    param: 'messages[1].tool_calls[0].type',
    code: 'unsupported_value',
  },
  {
    name: 'a custom tool',
    body: { tools: [{ type: 'custom', custom: { name: 'grammar' } }] },
    param: 'tools[0].type',
    code: 'unsupported_value',
  },
  {
    name: 'a named tool_choice for an unknown tool',
    body: { tools: [weatherTool], tool_choice: { type: 'function', function: { name: 'nope' } } },
    param: 'tool_choice.function.name',
    code: 'invalid_value',
  },
  {
    name: 'tool_choice required without tools',
    body: { tool_choice: 'required' },
    param: 'tool_choice',
    code: 'invalid_value',
  },
  {
    name: 'tool_choice allowed_tools',
    body: {
      tools: [weatherTool],
      tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [] } },
    },
    param: 'tool_choice.type',
    code: 'unsupported_value',
  },
  {
    name: 'metadata Bedrock rejects',
    body: { metadata: { 'team!': 'x' } },
    param: 'metadata.team!',
    code: 'invalid_value',
  },
  {
    name: 'a user id Bedrock rejects',
    body: { user: 'ünïcode' },
    param: 'user',
    code: 'invalid_value',
  },
  {
    name: 'more than 16 metadata entries with user',
    body: {
      metadata: Object.fromEntries(Array.from({ length: 16 }, (_, index) => [`k${index}`, 'v'])),
      user: 'u',
    },
    param: 'metadata',
    code: 'invalid_value',
  },
  {
    name: 'reasoning_effort on an unknown family',
    body: { reasoning_effort: 'high' },
    context: { modelId: 'cohere.command-r-plus-v1:0' },
    param: 'reasoning_effort',
    code: 'unsupported_parameter',
  },
  {
    name: 'reasoning_effort on an application profile ARN without its base model',
    body: { reasoning_effort: 'low' },
    context: {
      modelId: 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abcd1234efgh',
    },
    param: 'reasoning_effort',
    code: 'unsupported_parameter',
  },
  {
    name: 'reasoning with too few max tokens',
    body: { reasoning_effort: 'low', max_completion_tokens: 1000 },
    param: 'max_completion_tokens',
    code: 'invalid_value',
  },
]

describe('OpenAI → Converse refusals', () => {
  it.each(refusals)('refuses $name with a 400 naming $param', ({ body, param, code, context }) => {
    const error = refusal(body, context)
    expect(error).toMatchObject({ status: 400, type: 'invalid_request_error', param, code })
    expect(error.message).not.toMatch(/bedrock|converse/i)
  })
})

describe('droppedParameters', () => {
  it('lists hints accepted without effect', () => {
    const request = parseChatCompletionRequest({
      model: 'm',
      messages: [
        { role: 'user', content: 'x', name: 'alice' },
        {
          role: 'user',
          content: [
            {
              type: 'image_url',
              image_url: { url: `data:image/png;base64,${png}`, detail: 'low' },
            },
          ],
          name: 'bob',
        },
      ],
      seed: 1,
      prediction: { type: 'content', content: 'x' },
      prompt_cache_key: 'k',
      prompt_cache_retention: '24h',
      stream_options: { include_obfuscation: true },
    })
    expect(droppedParameters(request)).toEqual([
      'prediction',
      'prompt_cache_key',
      'prompt_cache_retention',
      'seed',
      'stream_options.include_obfuscation',
      'messages[].name',
      'messages[].content[].image_url.detail',
    ])
  })

  it('is empty for a plain request, default image detail included', () => {
    const messages = [
      ...hello,
      {
        role: 'user',
        content: [{ type: 'image_url', image_url: { url: remote, detail: 'auto' } }],
      },
    ]
    expect(droppedParameters(parseChatCompletionRequest({ model: 'm', messages }))).toEqual([])
  })
})
