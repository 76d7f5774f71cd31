// MantleHttp over undici: JSON in and out, authenticated by a signer (SigV4 for service
// `bedrock-mantle`, or a Bedrock API key). The endpoint is overridable the standard AWS way with
// AWS_ENDPOINT_URL_BEDROCK_MANTLE, then AWS_ENDPOINT_URL (docs/reference/mantle.md), which is how
// tests and the demo point it at the emulator.
import { request } from 'undici'
import type { RequestSigner } from '@strata/aws-signing'
import type { MantleHttp } from './projects-api.ts'

export function mantleEndpoint(env: NodeJS.ProcessEnv, region: string): string {
  return (
    env['AWS_ENDPOINT_URL_BEDROCK_MANTLE'] ?? `https://bedrock-mantle.${region}.api.aws`
  ).replace(/\/$/, '')
}

export function mantleHttp(
  endpoint: string,
  region: string,
  signer: RequestSigner,
  timeoutMs = 30_000,
): MantleHttp {
  return {
    async request(method, path, body) {
      const url = new URL(`${endpoint}${path}`)
      const text = body === undefined ? '' : JSON.stringify(body)
      const headers = await signer.sign({
        method,
        url,
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: text,
        region,
      })
      const response = await request(url, {
        method,
        headers,
        ...(method === 'POST' ? { body: text } : {}),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      })
      const raw = await response.body.text()
      let parsed: unknown = raw
      try {
        parsed = raw ? JSON.parse(raw) : undefined
      } catch {
        // Not JSON (a proxy's HTML error page, say): the caller reports the status with no body.
      }
      const retryAfter = Number(response.headers['retry-after'])
      return {
        status: response.statusCode,
        body: parsed,
        ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}),
      }
    },
  }
}
