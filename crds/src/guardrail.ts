// A Bedrock guardrail attached to a project or a route: the same shape in the CRDs and in the
// routing table. Identifier and version rules are those of Converse's guardrailConfig and of
// ApplyGuardrail, as the Bedrock API reference gives them:
// https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_GuardrailConfiguration.html
import { z } from 'zod'

export const guardrailSchema = z
  .strictObject({
    identifier: z
      .string()
      .min(1)
      .max(2048)
      .regex(
        /^(([a-z0-9]+)|(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:guardrail\/[a-z0-9]+))$/,
        'must be a guardrail id (lowercase letters and digits) or a guardrail ARN',
      )
      .describe('The guardrail id, e.g. gr0abc123def4, or its ARN.'),
    version: z
      .string()
      .min(1)
      .max(8)
      .regex(/^(([1-9][0-9]{0,7})|(DRAFT))$/, 'must be DRAFT or a version number such as 1')
      .describe('The guardrail version: a number such as 1, or DRAFT (not for production).'),
    streamProcessingMode: z
      .enum(['sync', 'async'])
      .optional()
      .describe(
        'Converse streams only: sync (the default) holds chunks back until the guardrail has checked them; async sends them at once and checks in the background, so blocked text may already have reached the client.',
      ),
  })
  .describe(
    'A Bedrock guardrail applied to every request: passed to Converse as guardrailConfig, and checked with ApplyGuardrail around Mantle calls. A route guardrail replaces the project one.',
  )

export type Guardrail = z.infer<typeof guardrailSchema>
