// Which OpenAI base path Mantle serves a model on. Reference: docs/reference/mantle.md, "Host and
// base paths": the GPT-5.x family, Gemma 4 and Grok are served under `/openai/v1`; gpt-oss and the
// other open-weight models under `/v1`. A model on the wrong prefix is a 400 "isn't supported on
// this route", so the choice is made here, once, by model family.
export type MantlePrefix = '/v1' | '/openai/v1'

const openAIPrefixFamilies: readonly RegExp[] = [/^openai\.gpt-5/, /^google\.gemma-4/, /^xai\.grok/]

/** mantlePrefixFor names the base path of a bare Mantle model id such as `openai.gpt-oss-120b`. */
export function mantlePrefixFor(modelId: string): MantlePrefix {
  return openAIPrefixFamilies.some((family) => family.test(modelId)) ? '/openai/v1' : '/v1'
}
