// The rollout gates' Prometheus client against a local HTTP server standing in for Prometheus's
// query API: plain queries, SigV4-signed ones as Amazon Managed Service for Prometheus requires,
// and the answers that must become a PrometheusError rather than a number.
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { sigV4Signer } from '@strata/aws-signing'
import { afterEach, describe, expect, it } from 'vitest'
import { managedPrometheusRegion, prometheusClient, PrometheusError } from './prometheus-client.ts'

const credentials = () =>
  Promise.resolve({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCY' })
const at = () => new Date('2026-12-07T03:00:00Z')

let server: Server | undefined

// fetch keeps its connection alive, and close() alone would wait for it.
async function stop(): Promise<void> {
  const running = server
  server = undefined
  if (running === undefined) return
  running.closeAllConnections()
  await new Promise((resolve) => running.close(resolve))
}

afterEach(stop)

/** Answers every request with `body` and hands each request over as it arrived. */
async function prometheus(body: unknown, seen: IncomingMessage[] = []): Promise<string> {
  server = createServer((request, response) => {
    seen.push(request)
    response.setHeader('content-type', 'application/json')
    response.end(JSON.stringify(body))
  })
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return `http://127.0.0.1:${String(port)}/workspaces/ws-1/`
}

const vector = (value: string) => ({
  status: 'success',
  data: { resultType: 'vector', result: [{ metric: {}, value: [1_765_000_000, value] }] },
})

const query = 'sum(increase(strata_gateway_backend_attempts_total{route="team-a/chat"}[60s]))'

describe('prometheusClient', () => {
  it('sends the query under the base path and reads the single sample', async () => {
    const seen: IncomingMessage[] = []
    const base = await prometheus(vector('42.5'), seen)
    expect(await prometheusClient(base).value(query)).toBe(42.5)
    const url = new URL(seen[0]?.url ?? '', base)
    expect(url.pathname).toBe('/workspaces/ws-1/api/v1/query')
    expect(url.searchParams.get('query')).toBe(query)
    expect(seen[0]?.headers.authorization).toBeUndefined()
  })

  it('signs each query with SigV4 for service aps when given a signer', async () => {
    const seen: IncomingMessage[] = []
    const base = await prometheus(vector('1'), seen)
    const signer = sigV4Signer(credentials, at, 'aps')
    await prometheusClient(base, { signing: { signer, region: 'us-west-2' } }).value(query)
    const request = seen[0]
    const authorization = request?.headers.authorization ?? ''
    expect(authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261207\/us-west-2\/aps\/aws4_request, SignedHeaders=\S*host\S*, Signature=[0-9a-f]{64}$/,
    )
    expect(request?.headers['x-amz-date']).toBe('20261207T030000Z')
    // The URL as the server received it signs to the same signature: the query was not re-encoded
    // on the way.
    const received = new URL(request?.url ?? '', base)
    const again = await signer.sign({
      method: 'GET',
      url: received,
      headers: {},
      body: '',
      region: 'us-west-2',
    })
    expect(again['authorization']).toBe(authorization)
  })

  it('reads an empty vector or NaN as no value', async () => {
    const empty = await prometheus({
      status: 'success',
      data: { resultType: 'vector', result: [] },
    })
    expect(await prometheusClient(empty).value(query)).toBeUndefined()
    await stop()
    const nan = await prometheus(vector('NaN'))
    expect(await prometheusClient(nan).value(query)).toBeUndefined()
  })

  it('turns a refused query or an answer that is not a query result into a PrometheusError', async () => {
    const refused = await prometheus({
      status: 'error',
      errorType: 'bad_data',
      error: 'parse error',
    })
    await expect(prometheusClient(refused).value(query)).rejects.toThrow(
      new PrometheusError('Prometheus refused the query: parse error'),
    )
    await stop()
    const html = await prometheus('<html>')
    await expect(prometheusClient(html).value(query)).rejects.toBeInstanceOf(PrometheusError)
  })

  it('says it cannot reach a Prometheus that is not there', async () => {
    await expect(prometheusClient('http://127.0.0.1:1').value(query)).rejects.toThrow(
      /Prometheus at http:\/\/127\.0\.0\.1:1 cannot be reached/,
    )
  })
})

describe('managedPrometheusRegion', () => {
  it('recognises an Amazon Managed Service for Prometheus workspace and nothing else', () => {
    expect(
      managedPrometheusRegion('https://aps-workspaces.us-west-2.amazonaws.com/workspaces/ws-1a2b'),
    ).toBe('us-west-2')
    expect(managedPrometheusRegion('http://prometheus.monitoring.svc:9090')).toBeUndefined()
    expect(
      managedPrometheusRegion('https://aps-workspaces.us-west-2.amazonaws.com.example.com/'),
    ).toBeUndefined()
    expect(managedPrometheusRegion('not a url')).toBeUndefined()
  })
})
