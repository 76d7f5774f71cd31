import { describe, expect, it } from 'vitest'
import { parseWrk, wrkScript } from './wrk-load.ts'

const sample = `Running 3s test @ http://127.0.0.1:4000/v1/chat/completions
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     4.10ms    1.01ms  21.30ms   90.12%
    Req/Sec     7.85k   412.33     8.31k    83.33%
  Latency Distribution
     50%  850.00us
     75%    4.20ms
     90%    4.90ms
     99%    1.20s
  23456 requests in 3.00s, 12.34MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 4
Requests/sec:   7818.67
Transfer/sec:      4.11MB
`

describe('wrk', () => {
  it('reads throughput, failures and percentiles in any unit', () => {
    expect(parseWrk(sample)).toEqual({
      requests: 23456,
      seconds: 3,
      requestsPerSecond: 7818.67,
      failures: 7,
      latencyP50Ms: 0.85,
      latencyP99Ms: 1200,
    })
  })

  it('writes a Lua script that escapes the body', () => {
    const script = wrkScript({
      url: 'http://x',
      headers: { 'content-type': 'application/json' },
      body: '{"a":"b\\\\c"}',
    })
    expect(script).toContain('wrk.body = "{\\"a\\":\\"b\\\\\\\\c\\"}"')
    expect(script).toContain('wrk.headers["content-type"] = "application/json"')
  })
})
