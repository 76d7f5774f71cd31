// ApplyGuardrail for the plain Bedrock stand-in (plain-bedrock.ts), from the API reference
// "ApplyGuardrail" and the types it names (GuardrailContentBlock, GuardrailTextBlock,
// GuardrailImageBlock, GuardrailAssessment, GuardrailUsage, GuardrailCoverage):
// - `POST /guardrail/{guardrailIdentifier}/version/{guardrailVersion}/apply`, the identifier an id
//   (`[a-z0-9]+`) or a guardrail ARN, the version a number from 1 or `DRAFT`: anything else is a
//   400 ValidationException; a guardrail or version the account does not have is a 404
//   ResourceNotFoundException;
// - the body holds only `source` (INPUT | OUTPUT, required), `content` (required array of unions
//   with exactly one of `text: {text, qualifiers?}` or `image: {format, source: {bytes}}`) and
//   `outputScope` (INTERVENTIONS | FULL);
// - the answer is `{usage, action, actionReason?, outputs, assessments, guardrailCoverage}`:
//   `NONE` with no outputs, or `GUARDRAIL_INTERVENED` with the configured blocked message of the
//   source as the one output, an `actionReason`, and the word policy's matches as assessments.
// A guardrail here has a word policy only (the simplest to script): a text containing one of its
// words, in any case, is blocked; a text containing one of its `maskedWords` is anonymized (the
// output then is the text with `{NAME}` in place of the word, as sensitive-information masking
// does), which is still `GUARDRAIL_INTERVENED` but not a block.
import { AwsError, isObject, validation } from './plain-aws-error.ts'

export interface PlainGuardrail {
  /** The id; its ARN is accepted too. */
  id: string
  versions: readonly string[]
  deniedWords: readonly string[]
  /** Words a sensitive-information policy anonymizes as `{NAME}`. */
  maskedWords?: readonly string[]
  blockedInputMessaging: string
  blockedOutputsMessaging: string
}

export interface GuardrailCall {
  guardrailId: string
  version: string
  source: 'INPUT' | 'OUTPUT'
  texts: string[]
  action: 'NONE' | 'GUARDRAIL_INTERVENED'
}

export const guardrailPath = /^\/guardrail\/([^/]+)\/version\/([^/]+)\/apply$/

const identifierPattern =
  /^(([a-z0-9]+)|(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:guardrail\/[a-z0-9]+))$/
const versionPattern = /^(([1-9][0-9]{0,7})|(DRAFT))$/
const members = new Set(['source', 'content', 'outputScope'])
const qualifierValues = new Set(['grounding_source', 'query', 'guard_content'])

function constraint(value: string, member: string, pattern: RegExp): AwsError {
  return validation(
    `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${pattern.source}`,
  )
}

function textOf(block: unknown, index: number): string | undefined {
  const where = `content.${String(index + 1)}.member`
  if (!isObject(block) || Object.keys(block).length !== 1)
    throw validation(`${where}: exactly one of text or image must be set.`)
  const { text, image } = block
  if (image !== undefined) {
    const source = isObject(image) ? image['source'] : undefined
    if (!isObject(image) || (image['format'] !== 'png' && image['format'] !== 'jpeg'))
      throw validation(`${where}.image.format must be png or jpeg.`)
    if (!isObject(source) || typeof source['bytes'] !== 'string')
      throw validation(`${where}.image.source.bytes is required.`)
    return undefined
  }
  if (!isObject(text) || typeof text['text'] !== 'string')
    throw validation(`${where}.text.text is required.`)
  for (const key of Object.keys(text))
    if (key !== 'text' && key !== 'qualifiers')
      throw validation(`${where}.text: unknown member '${key}'.`)
  const qualifiers = text['qualifiers']
  if (
    qualifiers !== undefined &&
    (!Array.isArray(qualifiers) ||
      !qualifiers.every((value) => typeof value === 'string' && qualifierValues.has(value)))
  )
    throw validation(
      `${where}.text.qualifiers: each must be grounding_source, query or guard_content.`,
    )
  return text['text']
}

/** The texts of a checked ApplyGuardrail body; throws the ValidationException AWS would send. */
export function checkApplyGuardrailBody(body: Record<string, unknown>): {
  source: 'INPUT' | 'OUTPUT'
  texts: string[]
} {
  for (const key of Object.keys(body))
    if (!members.has(key)) throw validation(`Unknown member '${key}' in the ApplyGuardrail input.`)
  const { source, content, outputScope } = body
  if (source !== 'INPUT' && source !== 'OUTPUT')
    throw validation(
      `1 validation error detected: Value at 'source' failed to satisfy constraint: Member must satisfy enum value set: [INPUT, OUTPUT]`,
    )
  if (outputScope !== undefined && outputScope !== 'INTERVENTIONS' && outputScope !== 'FULL')
    throw validation('outputScope must be INTERVENTIONS or FULL.')
  if (!Array.isArray(content)) throw validation('content is required.')
  const texts = content.flatMap((block, index) => {
    const text = textOf(block, index)
    return text === undefined ? [] : [text]
  })
  return { source, texts }
}

/** The guardrail a path names, from its id or ARN; throws AWS's 400 or 404. */
export function guardrailOf(
  rawIdentifier: string,
  rawVersion: string,
  guardrails: readonly PlainGuardrail[],
): { guardrail: PlainGuardrail; version: string } {
  const identifier = decodeURIComponent(rawIdentifier)
  const version = decodeURIComponent(rawVersion)
  if (!identifierPattern.test(identifier))
    throw constraint(identifier, 'guardrailIdentifier', identifierPattern)
  if (!versionPattern.test(version)) throw constraint(version, 'guardrailVersion', versionPattern)
  const id = identifier.startsWith('arn:')
    ? identifier.slice(identifier.lastIndexOf('/') + 1)
    : identifier
  const guardrail = guardrails.find((candidate) => candidate.id === id)
  if (guardrail === undefined || !guardrail.versions.includes(version))
    throw new AwsError(
      404,
      'ResourceNotFoundException',
      'The guardrail identifier or version provided in the request does not exist.',
    )
  return { guardrail, version }
}

/**
 * checkGuardrailConfig checks Converse's `guardrailConfig` (API reference
 * "GuardrailConfiguration", and "GuardrailStreamConfiguration" on ConverseStream, which alone has
 * `streamProcessingMode`) and that the guardrail exists, as Bedrock does before the model runs.
 */
export function checkGuardrailConfig(
  config: unknown,
  stream: boolean,
  guardrails: readonly PlainGuardrail[],
): void {
  if (config === undefined) return
  if (!isObject(config)) throw validation('guardrailConfig must be an object.')
  const members = ['guardrailIdentifier', 'guardrailVersion', 'trace']
  if (stream) members.push('streamProcessingMode')
  for (const key of Object.keys(config))
    if (!members.includes(key)) throw validation(`Unknown member '${key}' in guardrailConfig.`)
  const { guardrailIdentifier, guardrailVersion, trace, streamProcessingMode } = config
  if (typeof guardrailIdentifier !== 'string' || typeof guardrailVersion !== 'string')
    throw validation('guardrailConfig needs guardrailIdentifier and guardrailVersion.')
  if (
    trace !== undefined &&
    trace !== 'enabled' &&
    trace !== 'disabled' &&
    trace !== 'enabled_full'
  )
    throw validation('guardrailConfig.trace must be enabled, disabled or enabled_full.')
  if (
    streamProcessingMode !== undefined &&
    streamProcessingMode !== 'sync' &&
    streamProcessingMode !== 'async'
  )
    throw validation('guardrailConfig.streamProcessingMode must be sync or async.')
  guardrailOf(
    encodeURIComponent(guardrailIdentifier),
    encodeURIComponent(guardrailVersion),
    guardrails,
  )
}

const unitsOf = (texts: readonly string[]): number =>
  texts.reduce((sum, text) => sum + Math.max(1, Math.ceil(text.length / 1000)), 0)

const wordPattern = (word: string): RegExp =>
  new RegExp(`\\b${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'gi')

/** The ApplyGuardrail answer of `guardrail` for these texts, and the call as it is recorded. */
export function assess(
  guardrail: PlainGuardrail,
  version: string,
  source: 'INPUT' | 'OUTPUT',
  texts: string[],
): { answer: Record<string, unknown>; call: GuardrailCall } {
  const denied = guardrail.deniedWords.filter((word) =>
    texts.some((text) => wordPattern(word).test(text)),
  )
  const masked = (guardrail.maskedWords ?? []).filter((word) =>
    texts.some((text) => wordPattern(word).test(text)),
  )
  const units = unitsOf(texts)
  const characters = texts.reduce((sum, text) => sum + text.length, 0)
  const usage = {
    topicPolicyUnits: 0,
    contentPolicyUnits: 0,
    wordPolicyUnits: units,
    sensitiveInformationPolicyUnits: masked.length > 0 ? units : 0,
    sensitiveInformationPolicyFreeUnits: 0,
    contextualGroundingPolicyUnits: 0,
    contentPolicyImageUnits: 0,
  }
  const coverage = { textCharacters: { guarded: characters, total: characters } }
  const metrics = { guardrailProcessingLatency: 87, usage, guardrailCoverage: coverage }
  const intervened = denied.length > 0 || masked.length > 0
  const call: GuardrailCall = {
    guardrailId: guardrail.id,
    version,
    source,
    texts,
    action: intervened ? 'GUARDRAIL_INTERVENED' : 'NONE',
  }
  if (!intervened)
    return {
      call,
      answer: {
        usage,
        action: 'NONE',
        outputs: [],
        assessments: [{ invocationMetrics: metrics }],
        guardrailCoverage: coverage,
      },
    }
  const assessment: Record<string, unknown> = { invocationMetrics: metrics }
  if (denied.length > 0)
    assessment['wordPolicy'] = {
      customWords: denied.map((match) => ({ match, action: 'BLOCKED', detected: true })),
      managedWordLists: [],
    }
  if (masked.length > 0)
    assessment['sensitiveInformationPolicy'] = {
      piiEntities: [],
      regexes: masked.map((match) => ({
        name: 'NAME',
        match,
        regex: match,
        action: 'ANONYMIZED',
        detected: true,
      })),
    }
  const blockedMessage =
    source === 'INPUT' ? guardrail.blockedInputMessaging : guardrail.blockedOutputsMessaging
  const outputs =
    denied.length > 0
      ? [{ text: blockedMessage }]
      : texts.map((text) => ({
          text: masked.reduce((out, word) => out.replace(wordPattern(word), '{NAME}'), text),
        }))
  return {
    call,
    answer: {
      usage,
      action: 'GUARDRAIL_INTERVENED',
      actionReason: denied.length > 0 ? 'Guardrail blocked.' : 'Guardrail masked.',
      outputs,
      assessments: [assessment],
      guardrailCoverage: coverage,
    },
  }
}
