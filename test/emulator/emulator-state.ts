// The mutable state every API surface shares: scripted scenarios, the request log, and the AWS
// resources the emulated control planes manage (projects, application inference profiles).
import { InferenceProfileStore } from './inference-profile-store.ts'
import { ModelBehaviours, modelIdsOf, scenarioOf } from './model-behaviours.ts'
import { ProjectStore } from './project-store.ts'
import { RequestLog } from './request-log.ts'
import { ScenarioQueue, type Scenario, type ScenarioRequest } from './scenarios.ts'

export interface EmulatorConfig {
  /** Where the emulated account lives; only ARNs show it. */
  region: string
  accountId: string
  /**
   * Whether Converse and InvokeModel refuse an application-inference-profile ARN the control
   * plane never created (ResourceNotFoundException). Off by default: routing tables and tests
   * name profile ARNs without creating them.
   */
  strictProfiles: boolean
  /**
   * Whether requests are kept for the control API. Benchmarks turn it off: a log that grows by
   * every request would make the floor slower and fatter as the run goes on.
   */
  recordRequests: boolean
}

export const defaultConfig: EmulatorConfig = {
  region: 'us-east-1',
  accountId: '123456789012',
  strictProfiles: false,
  recordRequests: true,
}

export interface EmulatorState {
  config: EmulatorConfig
  scenarios: ScenarioQueue
  /** Standing per-model behaviour, for requests no scenario scripts. */
  behaviours: ModelBehaviours
  log: RequestLog
  projects: ProjectStore
  profiles: InferenceProfileStore
}

export function createEmulatorState(config: Partial<EmulatorConfig> = {}): EmulatorState {
  const full = { ...defaultConfig, ...config }
  return {
    config: full,
    scenarios: new ScenarioQueue(),
    behaviours: new ModelBehaviours(),
    log: new RequestLog(),
    projects: new ProjectStore(full),
    profiles: new InferenceProfileStore(full),
  }
}

/** Back to a fresh emulator: nothing scripted, nothing recorded, no resources but `default`. */
export function resetState(state: EmulatorState): void {
  state.scenarios.clear()
  state.behaviours.clear()
  state.log.clear()
  state.projects.clear()
  state.profiles.clear()
}

/** A request's scenario: the first scripted one that matches, else its model's standing behaviour. */
export function takeScenario(state: EmulatorState, request: ScenarioRequest): Scenario | undefined {
  const scripted = state.scenarios.take(request)
  if (scripted !== undefined || request.modelId === undefined) return scripted
  const behaviour = state.behaviours.find(modelIdsOf(request.modelId, state.profiles))
  return behaviour === undefined ? undefined : scenarioOf(behaviour, Math.random())
}
