// The plain Bedrock stand-in checked with the official AWS SDK for JavaScript: if the SDK signs
// requests the stand-in accepts, decodes its streams (checking every CRC) and reads its errors as
// the named exceptions, then the stand-in speaks the wire format the journeys rely on. Requests
// the SDK cannot send (unsigned, unknown fields) are sent by hand.
import {
  ApplyGuardrailCommand,
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelWithResponseStreamCommand,
} from '@aws-sdk/client-bedrock-runtime'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startPlainBedrock, type PlainBedrock } from './plain-bedrock.ts'
import { signedPost } from './plain-sigv4.ts'
import {
  awsErrorReply,
  claudeStreamReply,
  converseReply,
  converseStreamReply,
} from './plain-bedrock-replies.ts'

const key = {
  accessKeyId: 'AKIAPLAINSTANDIN0001',
  secretAccessKey: 'plain-stand-in-secret',
  region: 'us-east-1',
  service: 'bedrock',
}
const ARN = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/unit1'
const CLAUDE = 'us.anthropic.claude-sonnet-4-6'
const guardrail = {
  id: 'gr0unit',
  versions: ['2'],
  deniedWords: ['plutonium'],
  maskedWords: ['Zanzibar'],
  blockedInputMessaging: 'blocked question',
  blockedOutputsMessaging: 'blocked answer',
}

let bedrock: PlainBedrock
let sdk: BedrockRuntimeClient

function client(secretAccessKey: string): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint: bedrock.url,
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey },
    maxAttempts: 1,
    // The SDK speaks HTTP/2 to Bedrock Runtime by default; the stand-in is HTTP/1.1 like the gateway.
    requestHandler: new NodeHttpHandler(),
  })
}

beforeAll(async () => {
  bedrock = await startPlainBedrock({
    key,
    profiles: new Map([[ARN, CLAUDE]]),
    guardrails: [guardrail],
  })
  sdk = client(key.secretAccessKey)
})

afterAll(async () => {
  sdk.destroy()
  await bedrock.close()
})

beforeEach(() => {
  bedrock.reset()
})

/** A request signed like the SDK would, with a body the SDK would never send. */
const signedFetch = (path: string, body: string) => signedPost(bedrock.url, path, body, key)

describe('the plain Bedrock stand-in, read by the AWS SDK', () => {
  it('verifies the SDK signature and decodes an inference profile ARN from the path', async () => {
    bedrock.reply(
      converseReply({
        text: 'ok',
        stopReason: 'end_turn',
        usage: { inputTokens: 1, outputTokens: 2, cacheReadInputTokens: 3 },
      }),
    )
    const out = await sdk.send(
      new ConverseCommand({
        modelId: ARN,
        messages: [{ role: 'user', content: [{ text: 'hi' }] }],
      }),
    )
    expect(out.output?.message?.content).toEqual([{ text: 'ok' }])
    expect(out.usage).toEqual({
      inputTokens: 1,
      outputTokens: 2,
      cacheReadInputTokens: 3,
      totalTokens: 6,
    })
    expect(out.metrics).toEqual({ latencyMs: 412 })
    expect(bedrock.requests[0]).toMatchObject({ operation: 'converse', modelId: ARN })
    expect(bedrock.refusals).toEqual([])
  })

  it('streams ConverseStream events whose CRCs and payloads the SDK accepts', async () => {
    bedrock.reply(
      converseStreamReply({
        pieces: ['a', 'b'],
        tool: { id: 't1', name: 'f', input: {}, inputPieces: ['{}'] },
        stopReason: 'tool_use',
        usage: { inputTokens: 4, outputTokens: 5 },
      }),
    )
    const out = await sdk.send(
      new ConverseStreamCommand({
        modelId: CLAUDE,
        messages: [{ role: 'user', content: [{ text: 'hi' }] }],
      }),
    )
    const names: string[] = []
    for await (const event of out.stream ?? []) names.push(...Object.keys(event))
    expect(names).toEqual([
      'messageStart',
      'contentBlockDelta',
      'contentBlockDelta',
      'contentBlockStop',
      'contentBlockStart',
      'contentBlockDelta',
      'contentBlockStop',
      'messageStop',
      'metadata',
    ])
  })

  it('streams Claude chunks whose bytes are Anthropic events', async () => {
    bedrock.reply(
      claudeStreamReply({
        id: 'msg_1',
        model: 'claude',
        pieces: ['x'],
        stopReason: 'end_turn',
        usage: { input_tokens: 1, output_tokens: 1 },
      }),
    )
    const out = await sdk.send(
      new InvokeModelWithResponseStreamCommand({
        modelId: CLAUDE,
        contentType: 'application/json',
        body: JSON.stringify({
          anthropic_version: 'bedrock-2023-05-31',
          max_tokens: 5,
          messages: [{ role: 'user', content: 'hi' }],
        }),
      }),
    )
    const types: unknown[] = []
    for await (const event of out.body ?? []) {
      const bytes = event.chunk?.bytes
      if (bytes !== undefined)
        types.push((JSON.parse(new TextDecoder().decode(bytes)) as { type: unknown }).type)
    }
    expect(types).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ])
  })

  it('sends scripted exceptions the SDK names, with their status', async () => {
    bedrock.reply(awsErrorReply('ThrottlingException', 429, 'slow down'))
    const error: unknown = await sdk
      .send(
        new ConverseCommand({
          modelId: CLAUDE,
          messages: [{ role: 'user', content: [{ text: 'x' }] }],
        }),
      )
      .catch((caught: unknown) => caught)
    expect(error).toMatchObject({
      name: 'ThrottlingException',
      message: 'slow down',
      $metadata: { httpStatusCode: 429 },
    })
  })
})

describe('the plain Bedrock stand-in refuses what AWS refuses', () => {
  it('refuses a wrong signature and an unsigned request with 403', async () => {
    const wrong = client('not-the-secret')
    const error: unknown = await wrong
      .send(
        new ConverseCommand({
          modelId: CLAUDE,
          messages: [{ role: 'user', content: [{ text: 'x' }] }],
        }),
      )
      .catch((caught: unknown) => caught)
    wrong.destroy()
    expect(error).toMatchObject({
      name: 'InvalidSignatureException',
      $metadata: { httpStatusCode: 403 },
    })
    const unsigned = await fetch(`${bedrock.url}/model/${CLAUDE}/converse`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"messages":[]}',
    })
    expect(unsigned.status).toBe(403)
    expect(unsigned.headers.get('x-amzn-errortype')).toMatch(
      /^MissingAuthenticationTokenException:/,
    )
    expect(bedrock.requests).toEqual([])
  })

  it('requires the session token of temporary credentials', async () => {
    const temporary = await startPlainBedrock({ key: { ...key, sessionToken: 'token-1' } })
    const send = async (sessionToken: string) => {
      const sdkClient = new BedrockRuntimeClient({
        region: 'us-east-1',
        endpoint: temporary.url,
        credentials: { ...key, sessionToken },
        maxAttempts: 1,
        requestHandler: new NodeHttpHandler(),
      })
      temporary.reply(
        converseReply({
          text: 'ok',
          stopReason: 'end_turn',
          usage: { inputTokens: 1, outputTokens: 1 },
        }),
      )
      const outcome: unknown = await sdkClient
        .send(
          new ConverseCommand({
            modelId: CLAUDE,
            messages: [{ role: 'user', content: [{ text: 'x' }] }],
          }),
        )
        .then(
          () => 'accepted',
          (caught: unknown) => (caught as { name?: unknown }).name,
        )
      sdkClient.destroy()
      return outcome
    }
    expect(await send('token-1')).toBe('accepted')
    expect(await send('token-2')).toBe('UnrecognizedClientException')
    await temporary.close()
  })

  it('refuses an unknown top-level field with a ValidationException', async () => {
    const response = await signedFetch(
      `/model/${CLAUDE}/converse`,
      JSON.stringify({ messages: [], stream: true }),
    )
    expect(response.status).toBe(400)
    expect(response.headers.get('x-amzn-errortype')).toBe(
      'ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/',
    )
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/)
    const body = (await response.json()) as { message: string }
    expect(Object.keys(body)).toEqual(['message'])
    expect(body.message).toContain("'stream'")
  })

  it('refuses Claude bodies with a model, a stream flag or another anthropic_version', async () => {
    const base = {
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 5,
      messages: [{ role: 'user', content: 'hi' }],
    }
    for (const body of [
      { ...base, model: 'claude' },
      { ...base, stream: true },
      { ...base, anthropic_version: '2023-06-01' },
    ]) {
      const response = await signedFetch(`/model/${CLAUDE}/invoke`, JSON.stringify(body))
      expect(response.status).toBe(400)
    }
    expect(bedrock.refusals.map((refusal) => refusal.message)).toEqual([
      expect.stringContaining('extraneous key [model]'),
      expect.stringContaining('extraneous key [stream]'),
      expect.stringContaining('anthropic_version'),
    ])
  })
})

describe('the plain stand-in ApplyGuardrail, read by the AWS SDK', () => {
  const apply = (text: string, source: 'INPUT' | 'OUTPUT', identifier = 'gr0unit') =>
    sdk.send(
      new ApplyGuardrailCommand({
        guardrailIdentifier: identifier,
        guardrailVersion: '2',
        source,
        content: [{ text: { text, qualifiers: ['guard_content'] } }],
      }),
    )

  it('passes text without the denied word: NONE, no outputs, usage and coverage', async () => {
    const out = await apply('Tell me about rivers.', 'INPUT')
    expect(out.action).toBe('NONE')
    expect(out.outputs).toEqual([])
    expect(out.actionReason).toBeUndefined()
    expect(out.usage?.wordPolicyUnits).toBe(1)
    expect(out.guardrailCoverage?.textCharacters).toEqual({ guarded: 21, total: 21 })
    expect(bedrock.guardrailCalls).toEqual([
      {
        guardrailId: 'gr0unit',
        version: '2',
        source: 'INPUT',
        texts: ['Tell me about rivers.'],
        action: 'NONE',
      },
    ])
  })

  it('intervenes with the blocked message of the source, by id or by ARN', async () => {
    const input = await apply('How is Plutonium made?', 'INPUT')
    expect(input.action).toBe('GUARDRAIL_INTERVENED')
    expect(input.actionReason).toBeTypeOf('string')
    expect(input.outputs).toEqual([{ text: 'blocked question' }])
    expect(input.assessments?.[0]?.wordPolicy?.customWords).toEqual([
      { match: 'plutonium', action: 'BLOCKED', detected: true },
    ])
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:guardrail/gr0unit'
    const output = await apply('It is plutonium.', 'OUTPUT', arn)
    expect(output.outputs).toEqual([{ text: 'blocked answer' }])
  })

  it('anonymizes a masked word: an intervention whose output is the masked text', async () => {
    const out = await apply('I live in Zanzibar.', 'OUTPUT')
    expect(out.action).toBe('GUARDRAIL_INTERVENED')
    expect(out.outputs).toEqual([{ text: 'I live in {NAME}.' }])
    expect(out.assessments?.[0]?.sensitiveInformationPolicy?.regexes?.[0]?.action).toBe(
      'ANONYMIZED',
    )
  })

  it("checks Converse's guardrailConfig: a known guardrail, the stream mode on streams only", async () => {
    const converse = (guardrailConfig: Record<string, unknown>) =>
      signedFetch(
        `/model/${CLAUDE}/converse`,
        JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'x' }] }], guardrailConfig }),
      )
    const unknown = await converse({ guardrailIdentifier: 'gr0other', guardrailVersion: '2' })
    expect(unknown.status).toBe(404)
    const mode = await converse({
      guardrailIdentifier: 'gr0unit',
      guardrailVersion: '2',
      streamProcessingMode: 'sync',
    })
    expect(mode.status).toBe(400)
    expect(bedrock.requests).toEqual([])
  })

  it('refuses a bad identifier with 400, an unknown guardrail with 404, unknown members', async () => {
    const badName = await apply('x', 'INPUT', 'Not-An-Id').catch((caught: unknown) => caught)
    expect(badName).toMatchObject({ name: 'ValidationException' })
    const unknown = await apply('x', 'INPUT', 'gr0other').catch((caught: unknown) => caught)
    expect(unknown).toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 404 },
    })
    const path = '/guardrail/gr0unit/version/2/apply'
    for (const body of [
      { source: 'INPUT', content: [{ text: { text: 'x' } }], trace: 'enabled' },
      { source: 'BOTH', content: [{ text: { text: 'x' } }] },
      { source: 'INPUT', content: [{ text: { text: 'x' }, image: {} }] },
      { source: 'INPUT' },
    ]) {
      const response = await signedFetch(path, JSON.stringify(body))
      expect(response.status).toBe(400)
      expect(response.headers.get('x-amzn-errortype')).toMatch(/^ValidationException:/)
    }
  })
})
