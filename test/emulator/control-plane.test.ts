import {
  ConflictException,
  CreateInferenceProfileCommand,
  DeleteInferenceProfileCommand,
  GetFoundationModelCommand,
  GetInferenceProfileCommand,
  ListFoundationModelsCommand,
  ListInferenceProfilesCommand,
  ListTagsForResourceCommand,
  ResourceNotFoundException,
  TagResourceCommand,
  ThrottlingException,
  TooManyTagsException,
  UntagResourceCommand,
  ValidationException,
  paginateListInferenceProfiles,
} from '@aws-sdk/client-bedrock'
import {
  ConverseCommand,
  ResourceNotFoundException as RuntimeResourceNotFoundException,
} from '@aws-sdk/client-bedrock-runtime'
import { describe, expect, it } from 'vitest'
import { useEmulator } from './use-emulator.ts'
import { systemProfiles } from './foundation-models.ts'
import { controlPlaneClient, sigv4Client, userSays } from './sdk-clients.ts'

const sonnetArn = 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-4-6'
const systemArn =
  'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-6'
const emulator = useEmulator({ strictProfiles: true })

async function createProfile(
  name: string,
  copyFrom = sonnetArn,
  tags = [{ key: 'team', value: 'a' }],
) {
  return controlPlaneClient(emulator.url).send(
    new CreateInferenceProfileCommand({
      inferenceProfileName: name,
      modelSource: { copyFrom },
      tags,
    }),
  )
}

describe('application inference profiles', () => {
  it('creates from a foundation model ARN and reads back by id and by ARN', async () => {
    const created = await createProfile('support-chat')
    expect(created.status).toBe('ACTIVE')
    expect(created.$metadata.httpStatusCode).toBe(201)
    const arn = created.inferenceProfileArn ?? ''
    expect(arn).toMatch(
      /^arn:aws:bedrock:us-east-1:123456789012:application-inference-profile\/[a-z0-9]{12}$/,
    )
    const id = arn.split('/')[1] ?? ''
    const client = controlPlaneClient(emulator.url)
    for (const identifier of [id, arn]) {
      const got = await client.send(
        new GetInferenceProfileCommand({ inferenceProfileIdentifier: identifier }),
      )
      expect(got).toMatchObject({
        inferenceProfileName: 'support-chat',
        inferenceProfileArn: arn,
        inferenceProfileId: id,
        models: [{ modelArn: sonnetArn }],
        status: 'ACTIVE',
        type: 'APPLICATION',
      })
      expect(got.createdAt).toBeInstanceOf(Date)
    }
    expect(
      emulator.requests().map((r) => [r.operation, r.auth.kind === 'sigv4' && r.auth.service]),
    ).toEqual([
      ['create-inference-profile', 'bedrock'],
      ['get-inference-profile', 'bedrock'],
      ['get-inference-profile', 'bedrock'],
    ])
    expect(emulator.requests()[0]?.body).toMatchObject({
      clientRequestToken: expect.any(String) as unknown,
    })
  })

  it('copies every region of a system-defined profile', async () => {
    const created = await createProfile('cross-region', systemArn)
    const got = await controlPlaneClient(emulator.url).send(
      new GetInferenceProfileCommand({ inferenceProfileIdentifier: created.inferenceProfileArn }),
    )
    expect(got.models?.map((m) => m.modelArn)).toEqual(
      ['us-east-1', 'us-east-2', 'us-west-2'].map(
        (region) => `arn:aws:bedrock:${region}::foundation-model/anthropic.claude-sonnet-4-6`,
      ),
    )
  })

  it('lists system-defined profiles by default and application ones on request, paginated', async () => {
    await createProfile('one')
    await createProfile('two')
    const client = controlPlaneClient(emulator.url)
    const system = await client.send(new ListInferenceProfilesCommand({}))
    expect(system.inferenceProfileSummaries?.every((p) => p.type === 'SYSTEM_DEFINED')).toBe(true)
    expect(system.inferenceProfileSummaries).toHaveLength(systemProfiles.length)
    const names: string[] = []
    for await (const page of paginateListInferenceProfiles(
      { client, pageSize: 1 },
      { typeEquals: 'APPLICATION' },
    )) {
      names.push(...(page.inferenceProfileSummaries ?? []).map((p) => p.inferenceProfileName ?? ''))
    }
    expect(names).toEqual(['one', 'two'])
    expect(emulator.requests().at(-1)?.path).toMatch(/[?&]type=APPLICATION/)
  })

  it('deletes, after which the profile is gone and Converse refuses its ARN', async () => {
    const { inferenceProfileArn: arn = '' } = await createProfile('short-lived')
    const runtime = sigv4Client(emulator.url)
    const out = await runtime.send(new ConverseCommand({ modelId: arn, messages: userSays('hi') }))
    expect(out.output?.message?.content).toEqual([{ text: 'Echo: hi' }])
    const client = controlPlaneClient(emulator.url)
    await client.send(new DeleteInferenceProfileCommand({ inferenceProfileIdentifier: arn }))
    await expect(
      client.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: arn })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException)
    await expect(
      runtime.send(new ConverseCommand({ modelId: arn, messages: userSays('hi') })),
    ).rejects.toBeInstanceOf(RuntimeResourceNotFoundException)
  })

  it('reports duplicates, bad sources, bad names and scripted throttling as SDK exceptions', async () => {
    await createProfile('taken')
    await expect(createProfile('taken')).rejects.toBeInstanceOf(ConflictException)
    await expect(
      createProfile('bad-source', 'arn:aws:bedrock:us-east-1::foundation-model/nope'),
    ).rejects.toBeInstanceOf(ValidationException)
    await expect(createProfile('no/slashes')).rejects.toThrow(/inferenceProfileName.*pattern/)
    emulator.script({
      match: { operation: 'create-inference-profile' },
      scenario: { fault: { kind: 'error', exception: 'ThrottlingException' } },
    })
    await expect(createProfile('later')).rejects.toBeInstanceOf(ThrottlingException)
    expect((await createProfile('later')).status).toBe('ACTIVE')
  })

  it('returns the first result for a repeated clientRequestToken', async () => {
    const client = controlPlaneClient(emulator.url)
    const input = {
      inferenceProfileName: 'idem',
      modelSource: { copyFrom: sonnetArn },
      clientRequestToken: 'tok-1',
    }
    const first = await client.send(new CreateInferenceProfileCommand(input))
    const second = await client.send(new CreateInferenceProfileCommand(input))
    expect(second.inferenceProfileArn).toBe(first.inferenceProfileArn)
  })
})

describe('tags', () => {
  it('tags, untags and lists tags of an application profile', async () => {
    const { inferenceProfileArn: resourceARN = '' } = await createProfile('tagged')
    const client = controlPlaneClient(emulator.url)
    await client.send(
      new TagResourceCommand({ resourceARN, tags: [{ key: 'cost_center', value: 'cc-9' }] }),
    )
    await client.send(new UntagResourceCommand({ resourceARN, tagKeys: ['team'] }))
    const { tags } = await client.send(new ListTagsForResourceCommand({ resourceARN }))
    expect(tags).toEqual([{ key: 'cost_center', value: 'cc-9' }])
    expect(emulator.requests().find((r) => r.operation === 'tag-resource')?.body).toEqual({
      resourceARN,
      tags: [{ key: 'cost_center', value: 'cc-9' }],
    })
  })

  it('refuses unknown resources and more than 200 tags', async () => {
    const client = controlPlaneClient(emulator.url)
    const missing =
      'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/zzzzzzzzzzzz'
    await expect(
      client.send(new ListTagsForResourceCommand({ resourceARN: missing })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException)
    const { inferenceProfileArn: resourceARN = '' } = await createProfile('full')
    const many = Array.from({ length: 200 }, (_, i) => ({ key: `k${i}`, value: 'v' }))
    const error = await client
      .send(new TagResourceCommand({ resourceARN, tags: many }))
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TooManyTagsException)
    expect(error).toMatchObject({ resourceName: resourceARN })
  })
})

describe('foundation models', () => {
  it('lists the catalog with filters', async () => {
    const client = controlPlaneClient(emulator.url)
    const all = await client.send(new ListFoundationModelsCommand({}))
    const ids = all.modelSummaries?.map((m) => m.modelId)
    expect(ids).toEqual(
      expect.arrayContaining([
        'anthropic.claude-sonnet-4-6',
        'amazon.nova-2-lite-v1:0',
        'amazon.titan-embed-text-v2:0',
        'cohere.embed-v4:0',
        'openai.gpt-oss-120b-1:0',
      ]),
    )
    const embeddings = await client.send(
      new ListFoundationModelsCommand({ byOutputModality: 'EMBEDDING' }),
    )
    expect(embeddings.modelSummaries?.every((m) => m.outputModalities?.includes('EMBEDDING'))).toBe(
      true,
    )
    const cohere = await client.send(new ListFoundationModelsCommand({ byProvider: 'cohere' }))
    expect(cohere.modelSummaries?.map((m) => m.providerName)).toEqual([
      'Cohere',
      'Cohere',
      'Cohere',
    ])
  })

  it('gets one model by id or ARN and 404s an unknown one', async () => {
    const client = controlPlaneClient(emulator.url)
    for (const modelIdentifier of ['anthropic.claude-sonnet-4-6', sonnetArn]) {
      const { modelDetails } = await client.send(new GetFoundationModelCommand({ modelIdentifier }))
      expect(modelDetails).toEqual({
        modelArn: sonnetArn,
        modelId: 'anthropic.claude-sonnet-4-6',
        modelName: 'Claude Sonnet 4.6',
        providerName: 'Anthropic',
        inputModalities: ['TEXT', 'IMAGE'],
        outputModalities: ['TEXT'],
        responseStreamingSupported: true,
        customizationsSupported: [],
        inferenceTypesSupported: ['INFERENCE_PROFILE'],
        modelLifecycle: { status: 'ACTIVE' },
      })
    }
    await expect(
      client.send(new GetFoundationModelCommand({ modelIdentifier: 'nope' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException)
  })
})
