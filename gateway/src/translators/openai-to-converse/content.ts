// OpenAI message content (strings and parts) → Converse content blocks.
// References: OpenAI content parts (https://platform.openai.com/docs/api-reference/chat/create) and
// Converse `ContentBlock` / `SystemContentBlock` / `CachePointBlock`
// (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ContentBlock.html).
import type { CacheControl, TextPart, UserContentPart } from '../../openai/chat-messages.ts'
import type { CachePoint, ConverseContentBlock } from '../../upstream/converse-shapes.ts'
import { documentBlock, imageBlock, type ResolvedImages } from './media.ts'
import { invalidRequest } from '../../errors/catalogue.ts'

/** cachePointOf maps an Anthropic-style `cache_control` hint to a Converse cache point. */
export function cachePointOf(control: CacheControl): { cachePoint: CachePoint } {
  return {
    cachePoint:
      control.ttl === undefined ? { type: 'default' } : { type: 'default', ttl: control.ttl },
  }
}

// Converse rejects blank text blocks, and an empty OpenAI part carries nothing, so it is skipped.
function textBlock(text: string): { text: string }[] {
  return text.trim().length === 0 ? [] : [{ text }]
}

type TextLikeBlock = { text: string } | { cachePoint: CachePoint }

/** textBlocks maps string or text-part content; a part's `cache_control` adds a cache point after it. */
export function textBlocks(content: string | readonly TextPart[]): TextLikeBlock[] {
  if (typeof content === 'string') return textBlock(content)
  return content.flatMap((part): TextLikeBlock[] => [
    ...textBlock(part.text),
    ...(part.cache_control === undefined ? [] : [cachePointOf(part.cache_control)]),
  ])
}

/** userBlocks maps a user message's content; `param` is the message's content path for errors. */
export function userBlocks(
  content: string | readonly UserContentPart[],
  param: string,
  images: ResolvedImages | undefined,
): ConverseContentBlock[] {
  if (typeof content === 'string') return textBlock(content)
  return content.flatMap((part, index): ConverseContentBlock[] => {
    const partParam = `${param}[${index}]`
    const blocks = partBlocks(part, partParam, images, index)
    return 'cache_control' in part && part.cache_control !== undefined
      ? [...blocks, cachePointOf(part.cache_control)]
      : blocks
  })
}

function partBlocks(
  part: UserContentPart,
  param: string,
  images: ResolvedImages | undefined,
  index: number,
): ConverseContentBlock[] {
  switch (part.type) {
    case 'text':
      return textBlock(part.text)
    case 'image_url':
      return [imageBlock(part, `${param}.image_url`, images)]
    case 'file':
      return [documentBlock(part, `${param}.file`, index)]
    case 'input_audio':
      throw invalidRequest(
        `Unsupported value: audio input in '${param}' is not supported with this model.`,
        `${param}.type`,
        'unsupported_value',
      )
  }
}
