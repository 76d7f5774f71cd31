// Hostile and malformed requests for the gateway's three model endpoints: every field of each
// request given every wrong type, nulls, huge and negative numbers, deep nesting and 10,000-element
// arrays; bodies that are not JSON or not UTF-8; odd content types; bad or missing keys; and model
// names that try path traversal or encoded slashes. Each case is one request a client library
// could send (the raw-socket cases are in test/journeys/hostile-input.test.ts).

export interface HostileCase {
  /** What the case sends, for the failure message. */
  name: string
  path: string
  /** The field under attack, when the case targets one; a refusal must name it. */
  field?: string
  method?: 'GET'
  body: string | Uint8Array
  headers?: Record<string, string>
}

const nested = (levels: number): string => '['.repeat(levels) + ']'.repeat(levels)

/** Wrong values as JSON text; each replaces one field of an otherwise good request. */
export const wrongValues: readonly (readonly [label: string, json: string])[] = [
  ['a string', '"hostile"'],
  ['an empty string', '""'],
  ['an integer', '7'],
  ['a negative number', '-1'],
  ['a huge number', '1e308'],
  ['a fraction', '0.5'],
  ['a boolean', 'true'],
  ['null', 'null'],
  ['an empty array', '[]'],
  ['an object', '{"hostile":{"$ref":"#"}}'],
  ['5,000 levels of nesting', nested(5_000)],
  ['10,000 elements', `[${Array.from({ length: 10_000 }, () => '0').join(',')}]`],
]

interface Endpoint {
  path: string
  /** A request the gateway serves, as JSON text with `%MODEL%` for the alias. */
  good: Record<string, unknown>
  fields: readonly string[]
}

const chat: Endpoint = {
  path: '/v1/chat/completions',
  good: { model: '%MODEL%', messages: [{ role: 'user', content: 'Hello' }] },
  fields: [
    'model',
    'messages',
    'frequency_penalty',
    'logit_bias',
    'logprobs',
    'max_completion_tokens',
    'max_tokens',
    'metadata',
    'n',
    'parallel_tool_calls',
    'presence_penalty',
    'reasoning_effort',
    'response_format',
    'seed',
    'stop',
    'stream',
    'stream_options',
    'temperature',
    'tool_choice',
    'tools',
    'top_logprobs',
    'top_p',
    'user',
  ],
}

const responses: Endpoint = {
  path: '/v1/responses',
  good: { model: '%MODEL%', input: 'Hello' },
  fields: [
    'model',
    'input',
    'instructions',
    'tools',
    'tool_choice',
    'max_output_tokens',
    'temperature',
    'top_p',
    'reasoning',
    'stream',
    'metadata',
    'text',
  ],
}

const embeddings: Endpoint = {
  path: '/v1/embeddings',
  good: { model: '%MODEL%', input: 'Hello' },
  fields: ['model', 'input', 'dimensions', 'encoding_format', 'user'],
}

/**
 * Deep nesting where a real client puts JSON of its own: schemas and tool-call arguments. Built
 * as text, since serialising it would overflow this process's stack too.
 */
function deepInFields(model: string): HostileCase[] {
  const deep = nested(5_000)
  const schema = `{"type":"object","properties":{"a":{"type":"array","items":${deep}}}}`
  const hello = '"messages":[{"role":"user","content":"Hello"}]'
  const chatBody = (extra: string): string => `{"model":"${model}",${hello},${extra}}`
  return [
    {
      name: `${model}: deep tool parameters`,
      path: chat.path,
      field: 'tools',
      body: chatBody(
        `"tools":[{"type":"function","function":{"name":"f","parameters":${schema}}}]`,
      ),
    },
    {
      name: `${model}: deep response_format schema`,
      path: chat.path,
      field: 'response_format',
      body: chatBody(
        `"response_format":{"type":"json_schema","json_schema":{"name":"s","schema":${schema}}}`,
      ),
    },
    {
      name: `${model}: deep tool-call arguments`,
      path: chat.path,
      field: 'messages',
      body: JSON.stringify({
        model,
        messages: [
          { role: 'user', content: 'Call it.' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'call_1', type: 'function', function: { name: 'f', arguments: deep } },
            ],
          },
          { role: 'tool', tool_call_id: 'call_1', content: 'done' },
        ],
        tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
      }),
    },
    {
      name: `${model}: deep Responses tool parameters`,
      path: responses.path,
      field: 'tools',
      body: `{"model":"${model}","input":"Hello","tools":[{"type":"function","name":"f","parameters":${schema}}]}`,
    },
  ]
}

function fieldCases(endpoint: Endpoint, model: string): HostileCase[] {
  const good = JSON.stringify(endpoint.good).replace('%MODEL%', model)
  return endpoint.fields.flatMap((field) =>
    wrongValues.map(([label, json]) => {
      const body = JSON.parse(good) as Record<string, unknown>
      body[field] = '%VALUE%'
      return {
        name: `${model} ${endpoint.path}: ${field} = ${label}`,
        path: endpoint.path,
        field,
        body: JSON.stringify(body).replace('"%VALUE%"', json),
      }
    }),
  )
}

const badBodies: readonly (readonly [label: string, body: string | Uint8Array])[] = [
  ['an empty body', ''],
  ['a cut-off object', '{"model":"claude","messages":['],
  ['a trailing comma', '{"model":"claude",}'],
  ['single quotes', "{'model':'claude'}"],
  ['NaN', '{"model":"claude","temperature":NaN}'],
  ['JSON null', 'null'],
  ['a JSON array', '[]'],
  ['a JSON string', '"hello"'],
  ['a JSON number', '42'],
  ['garbage after the object', '{"model":"claude"}garbage'],
  ['a byte-order mark', '\uFEFF{"model":"claude"}'],
  ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x6d, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])],
  [
    'invalid UTF-8 inside a string',
    Buffer.concat([
      Buffer.from('{"model":"claude","input":"'),
      Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xf0, 0x28, 0x8c, 0xbc]),
      Buffer.from('","messages":[{"role":"user","content":"Hi"}]}'),
    ]),
  ],
  ['a lone surrogate', '{"model":"claude","messages":[{"role":"user","content":"\\ud800"}]}'],
  ['a NUL in a string', '{"model":"claude\\u0000","messages":[{"role":"user","content":"Hi"}]}'],
  ['duplicate keys', '{"model":"claude","model":"nope","messages":[]}'],
  ['a __proto__ key', '{"__proto__":{"admin":true},"model":"claude"}'],
]

const hostileModels: readonly string[] = [
  '../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  'claude/../gpt-oss',
  'claude%2F..%2Fgpt-oss',
  '/claude',
  'claude\u0000',
  'CLAUDE',
  ' claude',
  'claude?x=1',
  'x'.repeat(10_000),
]

const contentTypes: readonly string[] = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=latin1',
  'application/xml',
]

const badAuth: readonly (readonly [label: string, headers: Record<string, string>])[] = [
  ['no key', {}],
  ['an empty bearer', { authorization: 'Bearer ' }],
  ['a wrong key', { authorization: 'Bearer sk-wrong' }],
  ['Basic auth', { authorization: 'Basic dXNlcjpwYXNz' }],
  ['a 10 KB key', { authorization: `Bearer ${'k'.repeat(10_000)}` }],
  ['a key with a path', { authorization: 'Bearer ../../etc/passwd' }],
]

/**
 * Every case against the gateway's endpoints, for a Converse and a Mantle alias of each kind. A
 * case's headers replace the good ones (an empty value removes the header).
 */
export function hostileCases(aliases: {
  converse: string
  mantle: string
  converseEmbed: string
  mantleEmbed: string
}): HostileCase[] {
  const cases: HostileCase[] = []
  for (const model of [aliases.converse, aliases.mantle]) {
    cases.push(...fieldCases(chat, model), ...fieldCases(responses, model), ...deepInFields(model))
  }
  for (const model of [aliases.converseEmbed, aliases.mantleEmbed])
    cases.push(...fieldCases(embeddings, model))
  for (const { path } of [chat, responses, embeddings]) {
    for (const [label, body] of badBodies) cases.push({ name: `${path}: ${label}`, path, body })
    for (const model of hostileModels) {
      cases.push({
        name: `${path}: model ${JSON.stringify(model.slice(0, 40))}`,
        path,
        field: 'model',
        body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hi' }], input: 'Hi' }),
      })
    }
    for (const type of contentTypes) {
      cases.push({
        name: `${path}: Content-Type ${type}`,
        path,
        body: 'model=claude&input=Hi',
        headers: { 'content-type': type },
      })
    }
    for (const [label, headers] of badAuth) {
      cases.push({
        name: `${path}: ${label}`,
        path,
        body: JSON.stringify({ model: aliases.converse, input: 'Hi' }),
        headers: { authorization: '', ...headers },
      })
    }
  }
  for (const model of hostileModels) {
    cases.push({
      name: `GET /v1/models/${JSON.stringify(model.slice(0, 40))}`,
      path: `/v1/models/${model.includes('%') ? model : encodeURIComponent(model)}`,
      method: 'GET',
      body: '',
    })
  }
  return cases
}

const messages: Endpoint = {
  path: '/v1/messages',
  good: { model: '%MODEL%', max_tokens: 64, messages: [{ role: 'user', content: 'Hello' }] },
  fields: [
    'model',
    'messages',
    'max_tokens',
    'system',
    'thinking',
    'temperature',
    'top_p',
    'top_k',
    'stop_sequences',
    'tools',
    'tool_choice',
    'metadata',
    'stream',
  ],
}

/**
 * The same attacks on Anthropic's Messages API (a Claude alias): every field, bad bodies, hostile
 * model names and bad keys, sent with `anthropic-version` as every Anthropic client does.
 */
export function messagesHostileCases(model: string): HostileCase[] {
  const anthropic = { 'anthropic-version': '2023-06-01' }
  const cases: HostileCase[] = fieldCases(messages, model).map((item) => ({
    ...item,
    headers: anthropic,
  }))
  for (const [label, body] of badBodies)
    cases.push({ name: `/v1/messages: ${label}`, path: messages.path, body, headers: anthropic })
  for (const hostile of hostileModels) {
    cases.push({
      name: `/v1/messages: model ${JSON.stringify(hostile.slice(0, 40))}`,
      path: messages.path,
      field: 'model',
      body: JSON.stringify({
        model: hostile,
        max_tokens: 8,
        messages: [{ role: 'user', content: 'Hi' }],
      }),
      headers: anthropic,
    })
  }
  for (const [label, headers] of badAuth) {
    cases.push({
      name: `/v1/messages: ${label}`,
      path: messages.path,
      body: JSON.stringify(messages.good).replace('%MODEL%', model),
      headers: { ...anthropic, authorization: '', ...headers },
    })
  }
  return cases
}
