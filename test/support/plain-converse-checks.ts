// What the plain Bedrock stand-in checks in a Converse / ConverseStream body, from the API reference
// (Converse, Message, ContentBlock, SystemContentBlock, ToolConfiguration, Tool, ToolSpecification,
// ToolChoice, ToolUseBlock, ToolResultBlock, InferenceConfiguration) and the messages Bedrock sends
// for conversations it refuses. Unions must set exactly one member; names, ids and enums follow
// their documented patterns. Each failure is the message of a ValidationException.

const converseMembers = new Set([
  'messages',
  'system',
  'inferenceConfig',
  'toolConfig',
  'guardrailConfig',
  'additionalModelRequestFields',
  'additionalModelResponseFieldPaths',
  'promptVariables',
  'requestMetadata',
  'performanceConfig',
  'serviceTier',
  'outputConfig',
])
const inferenceConfigMembers = new Set(['maxTokens', 'temperature', 'topP', 'stopSequences'])
const contentBlockMembers = new Set([
  'text',
  'image',
  'document',
  'video',
  'audio',
  'toolUse',
  'toolResult',
  'guardContent',
  'cachePoint',
  'reasoningContent',
  'citationsContent',
  'searchResult',
])
const systemBlockMembers = new Set(['text', 'guardContent', 'cachePoint'])
const toolResultContentMembers = new Set([
  'text',
  'json',
  'image',
  'document',
  'video',
  'searchResult',
])
const toolMembers = new Set(['toolSpec', 'cachePoint', 'systemTool'])
const toolChoiceMembers = new Set(['auto', 'any', 'tool'])
const toolName = /^[a-zA-Z0-9_-]{1,64}$/
const toolUseId = /^[a-zA-Z0-9_-]{1,64}$/
// requestMetadata: 1–16 entries, keys 1–256 and values 0–256 characters of this set.
const metadataText = /^[a-zA-Z0-9\s:_@$#=/+,.-]*$/

type Fields = Record<string, unknown>

const isObject = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** The one member a union sets, or a failure naming where it is not exactly one known member. */
function unionMember(value: unknown, members: ReadonlySet<string>, at: string): string {
  if (!isObject(value)) throw new Error(`${at} must be an object.`)
  const keys = Object.keys(value)
  const [key] = keys
  if (keys.length !== 1 || key === undefined || !members.has(key))
    throw new Error(
      `${at} must set exactly one of ${[...members].join(', ')}; it sets [${keys.join(', ')}].`,
    )
  return key
}

const imageFormats = new Set(['png', 'jpeg', 'gif', 'webp'])
const documentFormats = new Set(['pdf', 'csv', 'doc', 'docx', 'xls', 'xlsx', 'html', 'txt', 'md'])
// DocumentBlock.name: alphanumerics, single whitespace, hyphens, parentheses, square brackets.
const documentName = /^(?!.*\s\s)[a-zA-Z0-9\s()[\]-]{1,200}$/
const base64 = /^[A-Za-z0-9+/]+={0,2}$/

function checkMedia(member: 'image' | 'document', value: unknown, at: string): void {
  if (!isObject(value)) throw new Error(`${at}.${member} must be an object.`)
  const formats = member === 'image' ? imageFormats : documentFormats
  if (typeof value['format'] !== 'string' || !formats.has(value['format']))
    throw new Error(`${at}.${member}.format must be one of ${[...formats].join(', ')}.`)
  if (
    member === 'document' &&
    (typeof value['name'] !== 'string' || !documentName.test(value['name']))
  )
    throw new Error(
      `${at}.document.name may only hold alphanumerics, single spaces, hyphens, parentheses and square brackets.`,
    )
  const source = value['source']
  const kind = unionMember(
    source,
    new Set(['bytes', 's3Location', 'text', 'content']),
    `${at}.${member}.source`,
  )
  const bytes = (source as Fields)[kind]
  if (kind === 'bytes' && (typeof bytes !== 'string' || !base64.test(bytes)))
    throw new Error(`${at}.${member}.source.bytes must be base64.`)
}

function checkBlock(block: unknown, at: string): void {
  const member = unionMember(block, contentBlockMembers, at)
  const value = (block as Fields)[member]
  if (member === 'text') {
    if (typeof value !== 'string' || value.trim() === '')
      throw new Error(
        `The text field in the ContentBlock object at ${at} is blank. Add text to the text field, and try again.`,
      )
  }
  if (member === 'image' || member === 'document') checkMedia(member, value, at)
  if (member === 'toolUse') {
    if (!isObject(value)) throw new Error(`${at}.toolUse must be an object.`)
    if (typeof value['toolUseId'] !== 'string' || !toolUseId.test(value['toolUseId']))
      throw new Error(`${at}.toolUse.toolUseId must match ${String(toolUseId)}.`)
    if (typeof value['name'] !== 'string' || !toolName.test(value['name']))
      throw new Error(`${at}.toolUse.name must match ${String(toolName)}.`)
    if (!('input' in value)) throw new Error(`${at}.toolUse.input is required.`)
  }
  if (member === 'toolResult') {
    if (!isObject(value)) throw new Error(`${at}.toolResult must be an object.`)
    if (typeof value['toolUseId'] !== 'string' || !toolUseId.test(value['toolUseId']))
      throw new Error(`${at}.toolResult.toolUseId must match ${String(toolUseId)}.`)
    const content = value['content']
    if (!Array.isArray(content)) throw new Error(`${at}.toolResult.content must be a list.`)
    content.forEach((item, index) =>
      unionMember(item, toolResultContentMembers, `${at}.toolResult.content.${String(index)}`),
    )
    if (
      value['status'] !== undefined &&
      value['status'] !== 'success' &&
      value['status'] !== 'error'
    )
      throw new Error(`${at}.toolResult.status must be success or error.`)
  }
}

function checkMessages(messages: unknown): void {
  if (!Array.isArray(messages))
    throw new Error('1 validation error detected: messages must not be null.')
  messages.forEach((message: unknown, index) => {
    const at = `messages.${String(index)}`
    if (!isObject(message)) throw new Error(`${at} must be an object.`)
    const role = message['role']
    if (role !== 'user' && role !== 'assistant')
      throw new Error(`${at}.role must be user or assistant.`)
    if (index === 0 && role !== 'user')
      throw new Error(
        'A conversation must start with a user message. Try again with a conversation that starts with a user message.',
      )
    const previous: unknown = index > 0 ? messages[index - 1] : undefined
    if (isObject(previous) && previous['role'] === role)
      throw new Error(
        'A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.',
      )
    const content = message['content']
    if (!Array.isArray(content) || content.length === 0)
      throw new Error(`${at}.content must be a non-empty list.`)
    content.forEach((block: unknown, blockIndex) =>
      checkBlock(block, `${at}.content.${String(blockIndex)}`),
    )
  })
}

function checkToolConfig(config: unknown): void {
  if (!isObject(config)) throw new Error('toolConfig must be an object.')
  const tools = config['tools']
  if (!Array.isArray(tools) || tools.length === 0)
    throw new Error('toolConfig.tools must be a non-empty list.')
  tools.forEach((tool: unknown, index) => {
    const member = unionMember(tool, toolMembers, `toolConfig.tools.${String(index)}`)
    const spec = (tool as Fields)[member]
    if (member !== 'toolSpec') return
    if (!isObject(spec) || typeof spec['name'] !== 'string' || !toolName.test(spec['name']))
      throw new Error(
        `toolConfig.tools.${String(index)}.toolSpec.name must match ${String(toolName)}.`,
      )
    const schema = spec['inputSchema']
    if (!isObject(schema) || !isObject(schema['json']))
      throw new Error(`toolConfig.tools.${String(index)}.toolSpec.inputSchema.json is required.`)
    if (
      spec['description'] !== undefined &&
      (typeof spec['description'] !== 'string' || spec['description'] === '')
    )
      throw new Error(`toolConfig.tools.${String(index)}.toolSpec.description must not be empty.`)
  })
  if (config['toolChoice'] !== undefined)
    unionMember(config['toolChoice'], toolChoiceMembers, 'toolConfig.toolChoice')
}

function checkInferenceConfig(config: unknown): void {
  if (!isObject(config)) throw new Error('inferenceConfig must be an object.')
  for (const key of Object.keys(config)) {
    if (!inferenceConfigMembers.has(key))
      throw new Error(`Unknown field '${key}' in InferenceConfiguration.`)
  }
  const { maxTokens, temperature, topP, stopSequences } = config
  if (maxTokens !== undefined && (!Number.isInteger(maxTokens) || (maxTokens as number) < 1))
    throw new Error('inferenceConfig.maxTokens must be an integer of at least 1.')
  for (const [name, value] of [
    ['temperature', temperature],
    ['topP', topP],
  ] as const) {
    if (value !== undefined && (typeof value !== 'number' || value < 0 || value > 1))
      throw new Error(`inferenceConfig.${name} must be between 0 and 1.`)
  }
  if (
    stopSequences !== undefined &&
    (!Array.isArray(stopSequences) ||
      stopSequences.some((stop) => typeof stop !== 'string' || stop === ''))
  )
    throw new Error('inferenceConfig.stopSequences must be a list of non-empty strings.')
}

function checkRequestMetadata(metadata: unknown): void {
  if (!isObject(metadata)) throw new Error('requestMetadata must be a map.')
  const entries = Object.entries(metadata)
  if (entries.length < 1 || entries.length > 16)
    throw new Error('requestMetadata must have 1 to 16 entries.')
  for (const [key, value] of entries) {
    if (key.length < 1 || key.length > 256 || !metadataText.test(key))
      throw new Error(`requestMetadata key ${key} does not match the allowed pattern.`)
    if (typeof value !== 'string' || value.length > 256 || !metadataText.test(value))
      throw new Error(`requestMetadata value of ${key} does not match the allowed pattern.`)
  }
}

/** checkConverseBody throws an Error whose message is the ValidationException's. */
export function checkConverseBody(body: Fields): void {
  for (const key of Object.keys(body)) {
    if (!converseMembers.has(key))
      throw new Error(`1 validation error detected: Unknown field '${key}' in ConverseRequest.`)
  }
  checkMessages(body['messages'])
  const system = body['system']
  if (system !== undefined) {
    if (!Array.isArray(system)) throw new Error('system must be a list.')
    system.forEach((block: unknown, index) => {
      unionMember(block, systemBlockMembers, `system.${String(index)}`)
      const text = (block as Fields)['text']
      if (text !== undefined && (typeof text !== 'string' || text.trim() === ''))
        throw new Error(
          `The text field in the SystemContentBlock object at system.${String(index)} is blank.`,
        )
    })
  }
  if (body['inferenceConfig'] !== undefined) checkInferenceConfig(body['inferenceConfig'])
  if (body['toolConfig'] !== undefined) checkToolConfig(body['toolConfig'])
  if (body['requestMetadata'] !== undefined) checkRequestMetadata(body['requestMetadata'])
  const tier = body['serviceTier']
  if (
    tier !== undefined &&
    (!isObject(tier) || !['priority', 'default', 'flex', 'reserved'].includes(String(tier['type'])))
  )
    throw new Error('serviceTier.type must be one of priority, default, flex, reserved.')
}
