import { describe, expect, it } from 'vitest'
import type { ConverseRequest } from '../../upstream/converse-shapes.ts'
import {
  hello,
  toolCall,
  translate,
  weatherTool,
} from '../../../test-support/converse-stream-fixtures/translate-request.ts'

interface ToolCase {
  name: string
  body: Record<string, unknown>
  expected: { [K in keyof ConverseRequest]?: ConverseRequest[K] | undefined }
}

const cases: ToolCase[] = [
  {
    name: 'assistant tool calls become toolUse; tool messages become one merged toolResult user turn',
    body: {
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            toolCall('t1', 'get_weather', '{"city":"Paris"}'),
            toolCall('t2', 'get_weather', ''),
          ],
        },
        { role: 'tool', tool_call_id: 't1', content: '18C' },
        { role: 'tool', tool_call_id: 't2', content: [{ type: 'text', text: '' }] },
        { role: 'user', content: 'And tomorrow?' },
      ],
      tools: [weatherTool],
    },
    expected: {
      messages: [
        { role: 'user', content: [{ text: 'Weather in Paris and Rome?' }] },
        {
          role: 'assistant',
          content: [
            { toolUse: { toolUseId: 't1', name: 'get_weather', input: { city: 'Paris' } } },
            { toolUse: { toolUseId: 't2', name: 'get_weather', input: {} } },
          ],
        },
        {
          role: 'user',
          content: [
            { toolResult: { toolUseId: 't1', content: [{ text: '18C' }] } },
            { toolResult: { toolUseId: 't2', content: [{ text: '(empty)' }] } },
            { text: 'And tomorrow?' },
          ],
        },
      ],
    },
  },
  {
    name: 'a signed reasoning block goes back before text and tool calls',
    body: {
      messages: [
        ...hello,
        {
          role: 'assistant',
          content: 'Checking.',
          reasoning_content: 'Need weather.',
          reasoning_signature: 'sig==',
          tool_calls: [toolCall('t1', 'get_weather', '{}')],
        },
        { role: 'tool', tool_call_id: 't1', content: 'sunny' },
      ],
      tools: [weatherTool],
    },
    expected: {
      messages: [
        { role: 'user', content: [{ text: 'Hello' }] },
        {
          role: 'assistant',
          content: [
            { reasoningContent: { reasoningText: { text: 'Need weather.', signature: 'sig==' } } },
            { text: 'Checking.' },
            { toolUse: { toolUseId: 't1', name: 'get_weather', input: {} } },
          ],
        },
        {
          role: 'user',
          content: [{ toolResult: { toolUseId: 't1', content: [{ text: 'sunny' }] } }],
        },
      ],
    },
  },
  {
    name: 'cache_control hints become cache points on parts, messages and tools',
    body: {
      messages: [
        { role: 'system', content: 'Long rules.', cache_control: { type: 'ephemeral' } },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Big doc', cache_control: { type: 'ephemeral', ttl: '1h' } },
            { type: 'text', text: 'Question' },
          ],
        },
      ],
      tools: [{ ...weatherTool, cache_control: { type: 'ephemeral' } }],
    },
    expected: {
      system: [{ text: 'Long rules.' }, { cachePoint: { type: 'default' } }],
      messages: [
        {
          role: 'user',
          content: [
            { text: 'Big doc' },
            { cachePoint: { type: 'default', ttl: '1h' } },
            { text: 'Question' },
          ],
        },
      ],
      toolConfig: {
        tools: [
          {
            toolSpec: {
              name: 'get_weather',
              inputSchema: { json: weatherTool.function.parameters },
            },
          },
          { cachePoint: { type: 'default' } },
        ],
      },
    },
  },
  {
    name: 'tools map to toolSpecs; strict passes, missing parameters get an open schema',
    body: {
      tools: [
        { type: 'function', function: { name: 'now', description: 'Current time', strict: true } },
      ],
    },
    expected: {
      toolConfig: {
        tools: [
          {
            toolSpec: {
              name: 'now',
              description: 'Current time',
              inputSchema: { json: { type: 'object', properties: {} } },
              strict: true,
            },
          },
        ],
      },
    },
  },
  {
    name: 'an empty description is left out (Bedrock needs at least one character)',
    body: { tools: [{ type: 'function', function: { name: 'now', description: '' } }] },
    expected: {
      toolConfig: {
        tools: [
          { toolSpec: { name: 'now', inputSchema: { json: { type: 'object', properties: {} } } } },
        ],
      },
    },
  },
  {
    name: 'tool call ids Bedrock refuses are rewritten alike in the call and its result',
    body: {
      messages: [
        { role: 'user', content: 'Weather?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [toolCall('functions.get_weather:0', 'get_weather', '{}')],
        },
        { role: 'tool', tool_call_id: 'functions.get_weather:0', content: 'sunny' },
      ],
      tools: [weatherTool],
    },
    expected: {
      messages: [
        { role: 'user', content: [{ text: 'Weather?' }] },
        {
          role: 'assistant',
          content: [
            {
              toolUse: {
                toolUseId: 'functions_get_weather_0_2298bf8d253dd304',
                name: 'get_weather',
                input: {},
              },
            },
          ],
        },
        {
          role: 'user',
          content: [
            {
              toolResult: {
                toolUseId: 'functions_get_weather_0_2298bf8d253dd304',
                content: [{ text: 'sunny' }],
              },
            },
          ],
        },
      ],
    },
  },
  {
    name: 'tool_choice auto sends no toolChoice',
    body: { tools: [weatherTool], tool_choice: 'auto' },
    expected: {
      toolConfig: {
        tools: [
          {
            toolSpec: {
              name: 'get_weather',
              inputSchema: { json: weatherTool.function.parameters },
            },
          },
        ],
      },
    },
  },
  {
    name: 'tool_choice required becomes any',
    body: { tools: [weatherTool], tool_choice: 'required' },
    expected: {
      toolConfig: {
        tools: [
          {
            toolSpec: {
              name: 'get_weather',
              inputSchema: { json: weatherTool.function.parameters },
            },
          },
        ],
        toolChoice: { any: {} },
      },
    },
  },
  {
    name: 'a named tool_choice becomes tool',
    body: {
      tools: [weatherTool],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    },
    expected: {
      toolConfig: {
        tools: [
          {
            toolSpec: {
              name: 'get_weather',
              inputSchema: { json: weatherTool.function.parameters },
            },
          },
        ],
        toolChoice: { tool: { name: 'get_weather' } },
      },
    },
  },
  {
    name: 'tool_choice none without tool history offers no tools',
    body: { tools: [weatherTool], tool_choice: 'none' },
    expected: { toolConfig: undefined },
  },
  {
    name: 'tool_choice none with tool history keeps the toolConfig Bedrock requires',
    body: {
      messages: [
        ...hello,
        { role: 'assistant', tool_calls: [toolCall('t1', 'get_weather', '{}')] },
        { role: 'tool', tool_call_id: 't1', content: 'rain' },
      ],
      tools: [weatherTool],
      tool_choice: 'none',
    },
    expected: {
      toolConfig: {
        tools: [
          {
            toolSpec: {
              name: 'get_weather',
              inputSchema: { json: weatherTool.function.parameters },
            },
          },
        ],
      },
    },
  },
  {
    name: 'tool history without tools lists the used tools with open schemas',
    body: {
      messages: [
        ...hello,
        { role: 'assistant', tool_calls: [toolCall('t1', 'lookup', '{"q":1}')] },
        { role: 'tool', tool_call_id: 't1', content: 'x' },
      ],
    },
    expected: {
      toolConfig: {
        tools: [
          {
            toolSpec: { name: 'lookup', inputSchema: { json: { type: 'object', properties: {} } } },
          },
        ],
      },
    },
  },
]

describe('OpenAI tools, tool_choice and tool history → Converse', () => {
  it.each(cases)('$name', ({ body, expected }) => {
    const result = translate(body)
    for (const [key, value] of Object.entries(expected))
      expect(result[key as keyof ConverseRequest]).toEqual(value)
  })
})
