import { describe, expect, it } from 'vitest'
import { parseResponsesRequest } from '../../openai/responses.ts'
import { toChatRequest, toConverseRequestFromResponses } from './request.ts'

function errorOf(run: () => unknown): { status?: number; param?: string; message?: string } {
  try {
    run()
  } catch (error) {
    return error as { status?: number; param?: string; message?: string }
  }
  throw new Error('expected an error')
}

const parse = (body: Record<string, unknown>) =>
  parseResponsesRequest({ model: 'claude', input: 'Hi', ...body })

describe('parseResponsesRequest', () => {
  it.each([
    [{ frobnicate: 1 }, 'frobnicate', 'unknown_parameter'],
    [{ input: [] }, 'input', 'invalid_value'],
    [{ temperature: 3 }, 'temperature', 'invalid_value'],
    [{ tool_choice: 'sometimes' }, 'tool_choice', 'invalid_value'],
    [
      { text: { format: { type: 'json_schema', name: 'x' } } },
      'text.format.schema',
      'missing_required_parameter',
    ],
    [{ text: { format: { type: 'xml' } } }, 'text.format', 'invalid_value'],
    [
      { input: [{ role: 'user', content: [{ type: 'input_audio' }] }] },
      'input[0]',
      'invalid_value',
    ],
  ])('refuses %j naming %s', (body, param, code) => {
    expect(() => parse(body)).toThrow(expect.objectContaining({ status: 400, code }))
    try {
      parse(body)
    } catch (error) {
      expect((error as { param?: string }).param?.startsWith(param)).toBe(true)
    }
  })
})

describe('toChatRequest', () => {
  it.each([
    {
      name: 'string input with instructions',
      body: { instructions: 'Be brief.', input: 'Hello' },
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello' },
      ],
    },
    {
      name: 'text and image parts',
      body: {
        input: [
          {
            role: 'user',
            content: [
              { type: 'input_text', text: 'What is this?' },
              { type: 'input_image', image_url: 'data:image/png;base64,AAAA' },
            ],
          },
        ],
      },
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'auto' } },
          ],
        },
      ],
    },
    {
      name: 'a function-call round trip with echoed output items',
      body: {
        input: [
          { role: 'user', content: 'Weather?' },
          { type: 'reasoning', id: 'rs_1', summary: [] },
          {
            type: 'message',
            id: 'msg_1',
            status: 'completed',
            role: 'assistant',
            content: [{ type: 'output_text', text: 'Checking.', annotations: [], logprobs: [] }],
          },
          { type: 'function_call', id: 'fc_1', call_id: 'c1', name: 'weather', arguments: '{}' },
          { type: 'function_call', call_id: 'c2', name: 'time', arguments: '{"tz":"UTC"}' },
          { type: 'function_call_output', call_id: 'c1', output: 'sunny' },
          { type: 'function_call_output', call_id: 'c2', output: '12:00' },
        ],
      },
      messages: [
        { role: 'user', content: 'Weather?' },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            { id: 'c1', type: 'function', function: { name: 'weather', arguments: '{}' } },
            { id: 'c2', type: 'function', function: { name: 'time', arguments: '{"tz":"UTC"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
        { role: 'tool', tool_call_id: 'c2', content: '12:00' },
      ],
    },
    {
      name: 'a function call with no assistant text before it',
      body: {
        input: [
          { role: 'user', content: 'Go' },
          { type: 'function_call', call_id: 'c1', name: 'go', arguments: '{}' },
        ],
      },
      messages: [
        { role: 'user', content: 'Go' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'go', arguments: '{}' } }],
        },
      ],
    },
  ])('maps $name', ({ body, messages }) => {
    expect(toChatRequest(parse(body)).messages).toEqual(messages)
  })

  it('maps tools, tool_choice and sampling settings', () => {
    const chat = toChatRequest(
      parse({
        tools: [{ type: 'function', name: 'f', description: 'F.', parameters: { type: 'object' } }],
        tool_choice: { type: 'function', name: 'f' },
        max_output_tokens: 100,
        temperature: 0.5,
        top_p: 0.9,
        reasoning: { effort: 'low' },
        metadata: { team: 'a' },
        user: 'u1',
        stream: true,
      }),
    )
    expect(chat).toMatchObject({
      tools: [
        {
          type: 'function',
          function: { name: 'f', description: 'F.', parameters: { type: 'object' } },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'f' } },
      max_completion_tokens: 100,
      temperature: 0.5,
      top_p: 0.9,
      reasoning_effort: 'low',
      metadata: { team: 'a' },
      user: 'u1',
      stream: true,
    })
  })

  it.each([
    [{ previous_response_id: 'resp_1' }, 'previous_response_id', /stores no responses/],
    [{ store: true }, 'store', /stores no responses/],
    [{ include: ['message.output_text.logprobs'] }, 'include', /no log probabilities/],
    [{ tools: [{ type: 'web_search' }] }, 'tools[0].type', /'web_search' is not supported/],
    [
      { input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file_1' }] }] },
      'input[0].content[0].file_id',
      /file_id/,
    ],
    [
      {
        input: [
          { role: 'user', content: [{ type: 'input_file', file_url: 'https://x.test/a.pdf' }] },
        ],
      },
      'input[0].content[0].file_url',
      /inline in 'file_data'/,
    ],
    [
      { input: [{ role: 'system', content: [{ type: 'input_image', image_url: 'x' }] }] },
      'input[0].content[0]',
      /Only text/,
    ],
  ])('refuses %j with a 400 naming %s', (body, param, message) => {
    const error = errorOf(() => toChatRequest(parse(body)))
    expect(error).toMatchObject({ status: 400, param })
    expect(error.message).toMatch(message)
  })

  it('maps text.format json_schema to the chat response_format', () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } } }
    const format = { type: 'json_schema', name: 'forecast', schema, strict: true }
    expect(toChatRequest(parse({ text: { format } })).response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'forecast', schema, strict: true },
    })
    expect(toChatRequest(parse({ text: { format: { type: 'text' } } })).response_format).toEqual({
      type: 'text',
    })
  })

  it('maps an input_file with inline data to a chat file part', () => {
    const file = {
      type: 'input_file',
      filename: 'a.pdf',
      file_data: 'data:application/pdf;base64,JVBERi0=',
    }
    const chat = toChatRequest(parse({ input: [{ role: 'user', content: [file] }] }))
    expect(chat.messages).toEqual([
      {
        role: 'user',
        content: [
          {
            type: 'file',
            file: { filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' },
          },
        ],
      },
    ])
  })

  it('maps service_tier, safety_identifier and top_logprobs to their chat namesakes', () => {
    expect(
      toChatRequest(parse({ service_tier: 'flex', safety_identifier: 'user-1', top_logprobs: 0 })),
    ).toMatchObject({ service_tier: 'flex', safety_identifier: 'user-1', top_logprobs: 0 })
  })

  it('lets store: false through', () => {
    expect(() => toChatRequest(parse({ store: false }))).not.toThrow()
  })
})

describe('toConverseRequestFromResponses', () => {
  it('produces the Converse request of the equivalent chat request', () => {
    const body = toConverseRequestFromResponses(
      parse({ instructions: 'Sys.', max_output_tokens: 50, temperature: 0.1 }),
      { modelId: 'us.anthropic.claude-sonnet-4-6' },
    )
    expect(body).toMatchObject({
      system: [{ text: 'Sys.' }],
      messages: [{ role: 'user', content: [{ text: 'Hi' }] }],
      inferenceConfig: { maxTokens: 50, temperature: 0.1 },
    })
  })

  it('names Responses parameters in refusals from the chat translator', () => {
    const error = errorOf(() =>
      toConverseRequestFromResponses(
        parse({ max_output_tokens: 100, reasoning: { effort: 'high' } }),
        {
          modelId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
        },
      ),
    )
    expect(error).toMatchObject({ status: 400, param: 'max_output_tokens' })
    expect(error.message).toContain("'max_output_tokens'")
  })

  // The chat translator counts chat messages; instructions add one before the input, and
  // consecutive function calls share one, so its indexes are not the client's.
  it.each([
    [
      'an image in a bad data URL',
      {
        input: [
          {
            role: 'user',
            content: [{ type: 'input_image', image_url: 'data:image/bmp;base64,AA' }],
          },
        ],
      },
      'input[0].content[0].image_url',
    ],
    [
      'a remote image',
      {
        input: [
          { role: 'user', content: 'first' },
          { role: 'assistant', content: 'ok' },
          { role: 'user', content: [{ type: 'input_image', image_url: 'https://x.test/a.png' }] },
        ],
      },
      'input[2].content[0].image_url',
    ],
    [
      'a file that is not a document',
      {
        input: [
          {
            role: 'user',
            content: [
              { type: 'input_text', text: 'read' },
              { type: 'input_file', file_data: 'data:image/png;base64,AA' },
            ],
          },
        ],
      },
      'input[0].content[1].file_data',
    ],
    [
      'the second of two function calls, with arguments that are not JSON',
      {
        input: [
          { role: 'user', content: 'weather?' },
          { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' },
          { type: 'function_call', call_id: 'c2', name: 'f', arguments: 'not json' },
          { type: 'function_call_output', call_id: 'c1', output: 'sun' },
          { type: 'function_call_output', call_id: 'c2', output: 'rain' },
        ],
      },
      'input[2].arguments',
    ],
    [
      'an empty message after a reasoning item',
      {
        input: [
          { type: 'reasoning', id: 'rs_1', summary: [] },
          { role: 'user', content: '' },
        ],
      },
      'input[1].content',
    ],
    [
      'an input of nothing but reasoning',
      { input: [{ type: 'reasoning', id: 'rs_1', summary: [] }] },
      'input',
    ],
  ])('names the input item of %s, not the chat message', (_, body, param) => {
    const error = errorOf(() =>
      toConverseRequestFromResponses(parse({ instructions: 'Be brief.', ...body }), {
        modelId: 'us.anthropic.claude-sonnet-4-6',
      }),
    )
    expect(error).toMatchObject({ status: 400, param })
    expect(error.message).not.toMatch(/messages\[/)
  })

  it('sends text.format json_schema as Converse structured output', () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } } }
    const body = toConverseRequestFromResponses(
      parse({ text: { format: { type: 'json_schema', name: 'forecast', schema } } }),
      { modelId: 'us.anthropic.claude-sonnet-4-6' },
    )
    expect(body.outputConfig?.textFormat).toEqual({
      type: 'json_schema',
      structure: { jsonSchema: { schema: JSON.stringify(schema), name: 'forecast' } },
    })
  })

  it('refuses service_tier scale and top_logprobs, as the chat translator does', () => {
    const context = { modelId: 'us.anthropic.claude-sonnet-4-6' }
    expect(
      errorOf(() => toConverseRequestFromResponses(parse({ service_tier: 'scale' }), context)),
    ).toMatchObject({ status: 400, param: 'service_tier' })
    expect(
      errorOf(() => toConverseRequestFromResponses(parse({ top_logprobs: 3 }), context)),
    ).toMatchObject({ status: 400, param: 'top_logprobs' })
  })

  it.each([
    [{ format: { type: 'json_object' } }, 'text.format.type', "'text.format'"],
    [{ verbosity: 'low' }, 'text.verbosity', "'text.verbosity'"],
  ])('refuses text %j naming %s', (text, param, named) => {
    const error = errorOf(() =>
      toConverseRequestFromResponses(parse({ text }), {
        modelId: 'us.anthropic.claude-sonnet-4-6',
      }),
    )
    expect(error).toMatchObject({ status: 400, param })
    expect(error.message).toContain(named)
  })
})
