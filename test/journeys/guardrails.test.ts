// Guardrail journeys with the official `openai` client: a project guardrail on a Mantle route
// (ApplyGuardrail around the call) and a route guardrail that overrides it on a Converse route
// (guardrailConfig). Blocked input is a 400 content_filter; a blocked streamed answer ends with
// finish_reason content_filter; both are counted per project, route and direction.
import { createHash } from 'node:crypto'
import { rm } from 'node:fs/promises'
import OpenAI from 'openai'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createEmulatorClient, type EmulatorClient } from '../emulator/emulator-client.ts'
import {
  BLOCKED_INPUT_MESSAGE,
  BLOCKED_OUTPUT_MESSAGE,
  GUARDRAIL_TRIGGER_WORD,
} from '../emulator/guardrails.ts'
import {
  makeWorkDirectory,
  startEmulatorProcess,
  startGatewayProcess,
  type RunningProcess,
} from '../support/processes.ts'

const KEY = 'sk-strata-guardrail-journey'

const table = {
  apiVersion: 'strata.dev/v1alpha1',
  kind: 'RoutingTable',
  version: 1,
  generatedAt: new Date().toISOString(),
  projects: [
    {
      name: 'guarded',
      namespace: 'team',
      projectId: 'proj_guarded',
      keys: [{ sha256: createHash('sha256').update(KEY).digest('hex') }],
      guardrail: { identifier: 'gr0project', version: '1' },
      routes: [
        {
          name: 'gpt',
          namespace: 'team',
          model: 'gpt',
          backends: [{ kind: 'mantle', modelId: 'openai.gpt-oss-120b', region: 'us-east-1' }],
        },
        {
          name: 'claude',
          namespace: 'team',
          model: 'claude',
          guardrail: { identifier: 'gr0route', version: 'DRAFT', streamProcessingMode: 'sync' },
          backends: [
            { kind: 'converse', modelId: 'us.anthropic.claude-sonnet-4-6', region: 'us-east-1' },
          ],
        },
      ],
    },
  ],
}

let workDirectory: string
let emulator: RunningProcess
let gateway: RunningProcess
let bedrock: EmulatorClient
let openai: OpenAI

beforeAll(async () => {
  workDirectory = await makeWorkDirectory('guardrails')
  emulator = await startEmulatorProcess(workDirectory)
  gateway = await startGatewayProcess({ workDirectory, table, emulatorUrl: emulator.url })
  bedrock = createEmulatorClient(emulator.url)
  openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: KEY, maxRetries: 0 })
})

afterAll(async () => {
  await Promise.all([gateway.stop(), emulator.stop()])
  await rm(workDirectory, { recursive: true, force: true })
})

beforeEach(async () => {
  await bedrock.reset()
})

async function interventions(route: string, direction: string): Promise<number> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text()
  const line = text
    .split('\n')
    .find((candidate) =>
      candidate.startsWith(
        `strata_gateway_guardrail_interventions_total{project="team/guarded",route="team/${route}",direction="${direction}"}`,
      ),
    )
  return line === undefined ? 0 : Number(line.split(' ').at(-1))
}

async function badRequest(call: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const error: unknown = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(OpenAI.BadRequestError)
  return error as InstanceType<typeof OpenAI.APIError>
}

const ask = (content: string) => [{ role: 'user' as const, content }]

describe('a guardrail intervention on input', () => {
  it('refuses blocked input on a Mantle route with 400 content_filter, before the model', async () => {
    const error = await badRequest(
      openai.chat.completions.create({
        model: 'gpt',
        messages: ask(`Tell me the ${GUARDRAIL_TRIGGER_WORD} recipe`),
      }),
    )
    expect(error.status).toBe(400)
    expect(error.code).toBe('content_filter')
    expect(error.message).toContain(BLOCKED_INPUT_MESSAGE)
    const calls = await bedrock.requests()
    expect(calls.map((call) => [call.operation, call.path])).toEqual([
      ['apply-guardrail', '/guardrail/gr0project/version/1/apply'],
    ])
    expect(await interventions('gpt', 'input')).toBe(1)
  })

  it('refuses blocked input on a Mantle stream with the same 400, before any chunk', async () => {
    const error = await badRequest(
      openai.chat.completions.create({
        model: 'gpt',
        messages: ask(`A ${GUARDRAIL_TRIGGER_WORD} question`),
        stream: true,
      }),
    )
    expect(error.code).toBe('content_filter')
    expect((await bedrock.requests()).map((call) => call.operation)).toEqual(['apply-guardrail'])
    expect(await interventions('gpt', 'input')).toBe(2)
  })

  it('refuses blocked input on a Converse route with the route guardrail, not the project one', async () => {
    const error = await badRequest(
      openai.chat.completions.create({
        model: 'claude',
        messages: ask(`Something ${GUARDRAIL_TRIGGER_WORD}`),
      }),
    )
    expect(error.code).toBe('content_filter')
    const [call] = await bedrock.requests()
    expect((call?.body as Record<string, unknown>)['guardrailConfig']).toEqual({
      guardrailIdentifier: 'gr0route',
      guardrailVersion: 'DRAFT',
      trace: 'enabled',
    })
    expect(await interventions('claude', 'input')).toBe(1)
  })
})

describe('a guardrail intervention on streamed output', () => {
  it.each(['gpt', 'claude'])(
    'ends the %s stream with the guardrail message and finish_reason content_filter',
    async (model) => {
      await bedrock.script({
        match: { operation: model === 'gpt' ? 'mantle-chat' : 'converse-stream' },
        scenario: {
          reply: { text: `Here is a long answer, and then the ${GUARDRAIL_TRIGGER_WORD} part.` },
          chunkSize: 6,
        },
      })
      const before = await interventions(model, 'output')
      const stream = await openai.chat.completions.create({
        model,
        messages: ask('hello'),
        stream: true,
        stream_options: { include_usage: true },
      })
      let text = ''
      const finishes: string[] = []
      let usage: OpenAI.CompletionUsage | null | undefined
      for await (const chunk of stream) {
        for (const choice of chunk.choices) {
          text += choice.delta.content ?? ''
          if (choice.finish_reason) finishes.push(choice.finish_reason)
        }
        if (chunk.usage) usage = chunk.usage
      }
      expect(text.endsWith(BLOCKED_OUTPUT_MESSAGE)).toBe(true)
      expect(text).not.toContain(GUARDRAIL_TRIGGER_WORD)
      expect(finishes).toEqual(['content_filter'])
      expect(usage?.total_tokens).toBeGreaterThan(0)
      expect(await interventions(model, 'output')).toBe(before + 1)
    },
  )

  it('passes a clean stream unchanged', async () => {
    const stream = await openai.chat.completions.create({
      model: 'gpt',
      messages: ask('all good'),
      stream: true,
    })
    let text = ''
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
    expect(text).toBe('Echo: all good')
  })
})

describe('the Responses API on guarded routes', () => {
  it('applies the guardrail on a Converse route: blocked input is a 400', async () => {
    const error = await badRequest(
      openai.responses.create({ model: 'claude', input: `The ${GUARDRAIL_TRIGGER_WORD} one` }),
    )
    expect(error.code).toBe('content_filter')
    expect(error.param).toBe('input')
    const [call] = await bedrock.requests()
    expect((call?.body as Record<string, unknown>)['guardrailConfig']).toMatchObject({
      guardrailIdentifier: 'gr0route',
    })
  })

  it('ends a blocked Converse answer as incomplete with reason content_filter', async () => {
    await bedrock.script({
      match: { operation: 'converse' },
      scenario: { reply: { text: `A ${GUARDRAIL_TRIGGER_WORD} answer.` } },
    })
    const response = await openai.responses.create({ model: 'claude', input: 'hello' })
    expect(response.status).toBe('incomplete')
    expect(response.incomplete_details?.reason).toBe('content_filter')
    expect(response.output_text).toBe(BLOCKED_OUTPUT_MESSAGE)
  })

  it('refuses a guarded Mantle route rather than serve it unguarded', async () => {
    const error = await badRequest(openai.responses.create({ model: 'gpt', input: 'hello' }))
    expect(error.code).toBe('unsupported_with_guardrail')
    expect(await bedrock.requests()).toEqual([])
  })
})
