// The foundation model behind any identifier the model-native operations take: a foundation-model
// id or ARN, a system inference profile id, or an application inference profile ARN created on the
// emulated control plane.
import type { EmulatorState } from './emulator-state.ts'
import { findFoundationModel, findSystemProfile } from './foundation-models.ts'

/** The foundation model behind any identifier InvokeModel takes, when the emulator knows it. */
export function baseModelId(state: EmulatorState, modelId: string): string | undefined {
  const profile = state.profiles.find(modelId)
  const modelArn = profile?.modelArns[0]
  if (modelArn !== undefined) return findFoundationModel(modelArn)?.modelId
  return findSystemProfile(modelId)?.modelId ?? findFoundationModel(modelId)?.modelId
}
