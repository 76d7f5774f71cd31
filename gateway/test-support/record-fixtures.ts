// Closed request records for listener tests (metrics, access log, accounting), built from the
// test routing table so project and route are real ones.
import { testTable } from './test-tables.ts'
import type { RequestRecord } from '../src/observe/request-record.ts'

/** A chat request of team-a/support on route team-a/claude (Converse), closed after 1.2 s. */
export function closedRecord(overrides: Partial<RequestRecord> = {}): RequestRecord {
  const project = testTable().projects[0]
  const route = project?.routes[0]
  return {
    startedAt: 1000,
    operation: 'chat',
    stream: false,
    project,
    route,
    model: 'claude',
    backend: route?.backends[0],
    attempts: 1,
    fallbacks: 0,
    upstreamMs: 1150,
    firstTokenAt: 2150,
    usage: { input: 1000, output: 500, cachedInput: 2000, cacheCreationInput: 100, reasoning: 50 },
    stopReason: 'end_turn',
    status: 200,
    error: undefined,
    finishedAt: 2200,
    ...overrides,
  }
}
