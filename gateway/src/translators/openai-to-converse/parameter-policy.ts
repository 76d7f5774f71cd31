// What the Converse backend does with each OpenAI Chat Completions parameter. OpenAI's own wording
// and codes are used for refusals ("unsupported_parameter", "unsupported_value") so clients that
// special-case them keep working. Reference: https://platform.openai.com/docs/api-reference/chat/create
// against https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html.
//
// | OpenAI parameter               | Converse                                   | decision                                  |
// |--------------------------------|--------------------------------------------|-------------------------------------------|
// | messages                       | system + messages                          | mapped (see messages.ts)                  |
// | model                          | path modelId (from the route)              | mapped by routing                         |
// | max_completion_tokens          | inferenceConfig.maxTokens                  | mapped                                    |
// | max_tokens                     | inferenceConfig.maxTokens                  | mapped; both set and different → 400      |
// | temperature                    | inferenceConfig.temperature                | mapped 1:1 for 0..1; > 1 → 400            |
// | top_p                          | inferenceConfig.topP                       | mapped                                    |
// | stop                           | inferenceConfig.stopSequences              | mapped                                    |
// | tools (function)               | toolConfig.tools[].toolSpec                | mapped; strict → toolSpec.strict          |
// | tools (custom)                 | —                                          | refused                                   |
// | tool_choice auto/required/named| toolChoice auto / any / tool               | mapped                                    |
// | tool_choice none               | toolConfig without tools the model may use | mapped (see tools.ts)                     |
// | tool_choice allowed_tools/custom| —                                         | refused                                   |
// | parallel_tool_calls            | — (models call in parallel natively)       | true: native; false: gateway keeps the first call |
// | response_format text           | —                                          | supported (default)                       |
// | response_format json_schema    | outputConfig.textFormat                    | mapped                                    |
// | response_format json_object    | —                                          | refused (Converse has no schemaless JSON) |
// | reasoning_effort               | additionalModelRequestFields / outputConfig.effort | mapped per family (reasoning.ts)  |
// | stream                         | /converse-stream                           | supported                                 |
// | stream_options.include_usage   | metadata event                             | supported (HTTP layer forwards the usage chunk) |
// | stream_options.include_obfuscation | —                                      | dropped (we add no obfuscation padding)   |
// | metadata                       | requestMetadata                            | mapped; keys/values Bedrock rejects → 400 |
// | user, safety_identifier        | requestMetadata.user / .safety_identifier  | mapped                                    |
// | service_tier                   | serviceTier.type                           | auto: omitted; default/flex/priority mapped; scale → 400 |
// | store                          | —                                          | false: supported; true → 400              |
// | n                              | —                                          | 1: supported; > 1 → 400                   |
// | logprobs / top_logprobs        | —                                          | false / 0: supported; otherwise 400       |
// | frequency_penalty, presence_penalty | —                                     | 0: supported; otherwise 400               |
// | logit_bias                     | —                                          | empty: supported; otherwise 400           |
// | audio, modalities ["audio"]    | —                                          | refused; modalities ["text"] supported    |
// | functions, function_call       | —                                          | refused (deprecated; use tools)           |
// | verbosity, web_search_options  | —                                          | refused                                   |
// | prediction, prompt_cache_key, prompt_cache_retention, seed | —            | dropped: hints without effect on content  |
// | message `name`, image `detail` | —                                          | dropped                                   |
// | cache_control (extension)      | cachePoint                                 | mapped                                    |
// | reasoning_content/_signature (extension) | reasoningContent                 | mapped                                    |
//
// "Dropped" means accepted and ignored; `droppedParameters` lists them so the HTTP layer can
// announce them in a response header.
import { GatewayError } from '../../errors/gateway-error.ts'
import type { ChatCompletionRequest } from '../../openai/chat-completions.ts'
import { gatewayError } from '../../errors/catalogue.ts'

function unsupportedParameter(param: string, message: string): GatewayError {
  return gatewayError('unsupported_parameter', message, { param })
}

function unsupportedValue(param: string, message: string): GatewayError {
  return gatewayError('unsupported_value', message, { param })
}

type Rule = (request: ChatCompletionRequest) => GatewayError | undefined

const isSet = (value: unknown): boolean => value !== undefined && value !== null

const rules: readonly Rule[] = [
  ({ n }) =>
    isSet(n) && n !== 1
      ? unsupportedValue('n', "Unsupported value: 'n' must be 1 with this model.")
      : undefined,
  ({ logprobs }) =>
    logprobs === true
      ? unsupportedValue(
          'logprobs',
          "Unsupported value: 'logprobs' is not supported with this model.",
        )
      : undefined,
  ({ top_logprobs }) =>
    isSet(top_logprobs) && top_logprobs !== 0
      ? unsupportedParameter(
          'top_logprobs',
          "Unsupported parameter: 'top_logprobs' is not supported with this model.",
        )
      : undefined,
  ({ frequency_penalty }) =>
    isSet(frequency_penalty) && frequency_penalty !== 0
      ? unsupportedValue(
          'frequency_penalty',
          "Unsupported value: 'frequency_penalty' must be 0 with this model.",
        )
      : undefined,
  ({ presence_penalty }) =>
    isSet(presence_penalty) && presence_penalty !== 0
      ? unsupportedValue(
          'presence_penalty',
          "Unsupported value: 'presence_penalty' must be 0 with this model.",
        )
      : undefined,
  ({ logit_bias }) =>
    isSet(logit_bias) && Object.keys(logit_bias ?? {}).length > 0
      ? unsupportedParameter(
          'logit_bias',
          "Unsupported parameter: 'logit_bias' is not supported with this model.",
        )
      : undefined,
  ({ audio }) =>
    isSet(audio)
      ? unsupportedParameter(
          'audio',
          "Unsupported parameter: 'audio' output is not supported with this model.",
        )
      : undefined,
  ({ modalities }) =>
    modalities?.includes('audio') === true
      ? unsupportedValue(
          'modalities',
          "Unsupported value: 'modalities' may only contain 'text' with this model.",
        )
      : undefined,
  ({ functions }) =>
    functions !== undefined
      ? unsupportedParameter(
          'functions',
          "Unsupported parameter: 'functions' is deprecated; use 'tools' instead.",
        )
      : undefined,
  ({ function_call }) =>
    function_call !== undefined
      ? unsupportedParameter(
          'function_call',
          "Unsupported parameter: 'function_call' is deprecated; use 'tool_choice' instead.",
        )
      : undefined,
  ({ verbosity }) =>
    isSet(verbosity)
      ? unsupportedParameter(
          'verbosity',
          "Unsupported parameter: 'verbosity' is not supported with this model.",
        )
      : undefined,
  ({ web_search_options }) =>
    web_search_options !== undefined
      ? unsupportedParameter(
          'web_search_options',
          "Unsupported parameter: 'web_search_options' is not supported with this model.",
        )
      : undefined,
  ({ store }) =>
    store === true
      ? unsupportedValue(
          'store',
          "Unsupported value: 'store' must be false; completions are not stored.",
        )
      : undefined,
  ({ service_tier }) =>
    service_tier === 'scale'
      ? unsupportedValue(
          'service_tier',
          "Unsupported value: 'service_tier' 'scale' is not available; use 'auto', 'default', 'flex' or 'priority'.",
        )
      : undefined,
  // Converse caps temperature at 1 where OpenAI allows 2. Rescaling would change the sampling the
  // client asked for, and clamping would hide it, so the honest answer is a 400.
  ({ temperature }) =>
    isSet(temperature) && (temperature ?? 0) > 1
      ? unsupportedValue(
          'temperature',
          "Unsupported value: 'temperature' must be between 0 and 1 with this model.",
        )
      : undefined,
  ({ max_tokens, max_completion_tokens }) =>
    isSet(max_tokens) && isSet(max_completion_tokens) && max_tokens !== max_completion_tokens
      ? unsupportedValue(
          'max_tokens',
          "Unsupported value: 'max_tokens' and 'max_completion_tokens' disagree; send only 'max_completion_tokens'.",
        )
      : undefined,
  ({ response_format }) =>
    response_format?.type === 'json_object'
      ? unsupportedValue(
          'response_format.type',
          "Unsupported value: 'response_format' of type 'json_object' is not supported with this model; use 'json_schema' with a schema.",
        )
      : undefined,
]

/** assertConverseCanHonour throws the first 400 for a parameter Converse cannot honour. */
export function assertConverseCanHonour(request: ChatCompletionRequest): void {
  for (const rule of rules) {
    const error = rule(request)
    if (error !== undefined) throw error
  }
}

/**
 * droppedParameters lists the parameters accepted but without effect on Converse, for the HTTP
 * layer to announce in `x-strata-dropped-params` (docs/gateway-parameters.md is the documented
 * list).
 */
export function droppedParameters(request: ChatCompletionRequest): string[] {
  const dropped: string[] = []
  if (isSet(request.prediction)) dropped.push('prediction')
  if (request.prompt_cache_key !== undefined) dropped.push('prompt_cache_key')
  if (isSet(request.prompt_cache_retention)) dropped.push('prompt_cache_retention')
  if (isSet(request.seed)) dropped.push('seed')
  if (request.stream_options?.include_obfuscation === true)
    dropped.push('stream_options.include_obfuscation')
  // Per-message hints are named once, by their generic path, to keep the header short.
  if (
    request.messages.some(
      (message) => message.role !== 'function' && 'name' in message && message.name !== undefined,
    )
  ) {
    dropped.push('messages[].name')
  }
  const detailed = request.messages.some(
    (message) =>
      message.role === 'user' &&
      typeof message.content !== 'string' &&
      message.content.some(
        (part) => part.type === 'image_url' && (part.image_url.detail ?? 'auto') !== 'auto',
      ),
  )
  if (detailed) dropped.push('messages[].content[].image_url.detail')
  return dropped
}
