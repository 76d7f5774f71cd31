// OpenAI `response_format` → Converse `outputConfig.textFormat` (structured outputs).
// References: https://platform.openai.com/docs/guides/structured-outputs and
// https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_OutputFormat.html
// (the schema travels as a JSON *string*).
// `json_object` has no Converse equivalent and is refused in parameter-policy.ts. Models without
// structured-output support answer with a ValidationException, which reaches the client as a 400.
import type { ResponseFormat } from '../../openai/chat-tools.ts'
import type { OutputConfig } from '../../upstream/converse-shapes.ts'
import { invalidRequest } from '../../errors/catalogue.ts'

/** toTextFormat maps a json_schema response format; text and absent need nothing. */
export function toTextFormat(format: ResponseFormat | undefined): OutputConfig['textFormat'] {
  if (format?.type !== 'json_schema') return undefined
  const { name, description, schema } = format.json_schema
  if (schema === undefined) {
    throw invalidRequest(
      "Missing required parameter: 'response_format.json_schema.schema'.",
      'response_format.json_schema.schema',
      'missing_required_parameter',
    )
  }
  return {
    type: 'json_schema',
    structure: {
      jsonSchema: {
        schema: JSON.stringify(schema),
        name,
        ...(description === undefined ? {} : { description }),
      },
    },
  }
}
