// What both demos do as application teams would, once Strata is installed: each project's
// official openai client, configured only from its Secret, calling every kind of route; then the
// gateway's own metrics, per project. A fleet of pods sums its expositions.
import type OpenAI from 'openai'
import { chat, crossProject, embed, listModels, streamChat } from './calls.ts'
import {
  formatProject,
  formatUnattributed,
  meanOverheadMs,
  parseExposition,
  summariseProject,
} from './metrics-summary.ts'
import { print, step } from './session.ts'

export async function projectTour(support: OpenAI, research: OpenAI): Promise<void> {
  step('support: GET /v1/models')
  await listModels(support, print)
  step('support: chat on support-chat (Claude on Converse, through its inference profile)')
  await chat(support, 'support-chat', 'Where is my order?', print)
  step('support: streaming chat on support-fast (90 % Haiku, 10 % Nova Lite)')
  await streamChat(support, 'support-fast', 'Stream a short answer please', print)

  step('research: GET /v1/models (only its own aliases)')
  await listModels(research, print)
  step('research: chat on reasoner (gpt-oss on Mantle, OpenAI-Project attribution)')
  await chat(research, 'reasoner', 'Why is the sky blue?', print)
  step('research: streaming chat on reasoner (Mantle stream relayed chunk by chunk)')
  await streamChat(research, 'reasoner', 'Stream a haiku', print)
  step('research: streaming chat on summarise (Nova on Converse, Haiku as fallback)')
  await streamChat(research, 'summarise', 'Summarise: the cat sat on the mat', print)
  step('research: embeddings on embed (Cohere on Mantle)')
  await embed(research, 'embed', print)
  step("research's key asking for support's alias")
  await crossProject(research, 'support-chat', print)
}

export function metricsReport(expositions: string[]): void {
  step('gateway /metrics, per project (gen_ai_client_token_usage_total, _cost_usd_total, ...)')
  const samples = expositions.flatMap(parseExposition)
  for (const project of ['support/support', 'research/research'])
    print(`${formatProject(project, summariseProject(samples, project))}\n`)
  print(`${formatUnattributed(summariseProject(samples, ''))}\n`)
  const overhead = meanOverheadMs(samples)
  print(
    `  gateway overhead: mean ${overhead.meanMs.toFixed(2)} ms over ${String(overhead.count)} ` +
      'requests (strata_gateway_overhead_seconds)\n',
  )
}
