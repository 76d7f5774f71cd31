// What a finished request cost in US dollars, for USD budgets. The price table lives with the
// metrics (observe/cost.ts, estimateCostUsd); the limiter takes only this function so that it does
// not depend on how prices are known. Undefined means unknown: the request then counts towards
// token budgets only.
import type { RequestRecord } from '../observe/request-record.ts'

export type CostOf = (record: Readonly<RequestRecord>) => number | undefined
