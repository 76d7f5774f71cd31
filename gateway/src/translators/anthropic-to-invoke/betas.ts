// Which `anthropic-beta` flags go on to Bedrock as `anthropic_beta`, and which are dropped. Bedrock
// refuses a body naming a flag it does not know (ValidationException "invalid beta flag"), and
// clients such as Claude Code send first-party flags (`claude-code-20250219`, `oauth-…`) with
// every request, so a blind pass-through would fail them all. A flag outside this list is dropped
// and announced like any other dropped parameter, or refused on a strict route.
// Reference: the Bedrock user guide, "Anthropic Claude Messages API", request field
// `anthropic_beta`, and Anthropic's beta headers page.
export const bedrockAnthropicBetas: ReadonlySet<string> = new Set([
  'computer-use-2024-10-22',
  'computer-use-2025-01-24',
  'computer-use-2025-11-24',
  'token-efficient-tools-2025-02-19',
  'interleaved-thinking-2025-05-14',
  'output-128k-2025-02-19',
  'dev-full-thinking-2025-05-14',
  'context-1m-2025-08-07',
  'context-management-2025-06-27',
  'effort-2025-11-24',
  'tool-search-tool-2025-10-19',
  'tool-examples-2025-10-29',
  'fine-grained-tool-streaming-2025-05-14',
])

export interface BetaSplit {
  accepted: string[]
  dropped: string[]
}

/** The header is a comma-separated list; the SDKs send one header, curl users may send several. */
export function splitBetas(header: string | undefined): BetaSplit {
  const flags = (header ?? '')
    .split(',')
    .map((flag) => flag.trim())
    .filter((flag) => flag !== '')
  const unique = [...new Set(flags)]
  return {
    accepted: unique.filter((flag) => bedrockAnthropicBetas.has(flag)),
    dropped: unique.filter((flag) => !bedrockAnthropicBetas.has(flag)),
  }
}
