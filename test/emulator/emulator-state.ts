// The mutable state every API surface shares: scripted scenarios and the request log.
import type { RequestLog } from './request-log.ts'
import type { ScenarioQueue } from './scenarios.ts'

export interface EmulatorState {
  scenarios: ScenarioQueue
  log: RequestLog
}
