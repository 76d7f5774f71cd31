// OpenAI `tools` + `tool_choice` → Converse `toolConfig`.
// References: https://platform.openai.com/docs/api-reference/chat/create (tools, tool_choice) and
// https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ToolConfiguration.html.
//
// tool_choice mapping: auto → {auto}, required → {any}, {function:{name}} → {tool:{name}}.
// Converse has no "none". We honour it by not offering the tools at all, which is exact when the
// history holds no tool blocks. When it does, Bedrock rejects a request without toolConfig, so the
// tools must stay listed and the choice is left to the model (best effort, documented).
// When the history holds tool blocks but the client sent no `tools` (common for a final answer),
// we list the tools the history used with an open schema so Bedrock accepts the history.
import type { ChatCompletionRequest } from '../../openai/chat-completions.ts'
import type { Tool, ToolChoice } from '../../openai/chat-tools.ts'
import type {
  ConverseMessage,
  ConverseTool,
  ConverseToolChoice,
  ToolConfig,
} from '../../upstream/converse-shapes.ts'
import { cachePointOf } from './content.ts'
import { historyHasToolBlocks, historyToolNames } from './messages.ts'
import { invalidRequest } from '../../errors/catalogue.ts'

const openSchema = { type: 'object', properties: {} }

function converseTools(tools: readonly Tool[]): ConverseTool[] {
  return tools.flatMap((tool, index): ConverseTool[] => {
    if (tool.type !== 'function') {
      throw invalidRequest(
        `Unsupported value: custom tools in 'tools[${index}]' are not supported with this model.`,
        `tools[${index}].type`,
        'unsupported_value',
      )
    }
    const { name, description, parameters, strict } = tool.function
    const spec: ConverseTool = {
      toolSpec: {
        name,
        // Bedrock's description has a minimum length of 1; OpenAI takes an empty one.
        ...(description === undefined || description === '' ? {} : { description }),
        inputSchema: { json: parameters ?? openSchema },
        ...(strict === true ? { strict: true } : {}),
      },
    }
    return tool.cache_control === undefined ? [spec] : [spec, cachePointOf(tool.cache_control)]
  })
}

function converseToolChoice(
  choice: ToolChoice | undefined,
  toolNames: ReadonlySet<string>,
): ConverseToolChoice | undefined {
  if (choice === undefined || choice === 'auto' || choice === 'none') return undefined
  if (choice === 'required') return { any: {} }
  if (choice.type === 'function') {
    if (!toolNames.has(choice.function.name)) {
      throw invalidRequest(
        `Invalid value for 'tool_choice': no tool named '${choice.function.name}' in 'tools'.`,
        'tool_choice.function.name',
        'invalid_value',
      )
    }
    return { tool: { name: choice.function.name } }
  }
  throw invalidRequest(
    `Unsupported value: 'tool_choice' of type '${choice.type}' is not supported with this model.`,
    'tool_choice.type',
    'unsupported_value',
  )
}

/**
 * toToolConfig builds the Converse toolConfig, or undefined when no tool is on offer and the
 * history needs none. `messages` is the already-translated Converse history.
 */
export function toToolConfig(
  request: Pick<ChatCompletionRequest, 'tools' | 'tool_choice'>,
  messages: readonly ConverseMessage[],
): ToolConfig | undefined {
  const declared = request.tools ?? []
  const needed = historyHasToolBlocks(messages)
  const choice = request.tool_choice
  if (
    (choice === 'required' || (typeof choice === 'object' && choice.type === 'function')) &&
    declared.length === 0
  ) {
    throw invalidRequest(
      "Invalid value for 'tool_choice': it requires 'tools'.",
      'tool_choice',
      'invalid_value',
    )
  }
  if (choice === 'none' && !needed) return undefined
  if (declared.length > 0) {
    const toolChoice = converseToolChoice(
      choice,
      new Set(
        declared.map((tool) => (tool.type === 'function' ? tool.function.name : tool.custom.name)),
      ),
    )
    const tools = converseTools(declared)
    return toolChoice === undefined ? { tools } : { tools, toolChoice }
  }
  if (!needed) return undefined
  return {
    tools: historyToolNames(messages).map((name) => ({
      toolSpec: { name, inputSchema: { json: openSchema } },
    })),
  }
}
