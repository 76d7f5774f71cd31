// Public surface of the Bedrock emulator for tests, journeys, benchmarks and the demo.
export { startEmulator } from './emulator.ts'
export type { Emulator, EmulatorOptions } from './emulator.ts'
export { createEmulatorClient } from './emulator-client.ts'
export type { EmulatorClient } from './emulator-client.ts'
export type { RecordedRequest } from './request-log.ts'
export type { RecordedAuth } from './auth.ts'
export { operationNames, scenarioSchema, scriptEntrySchema } from './scenarios.ts'
export type {
  ErrorFault,
  Fault,
  OperationName,
  Reply,
  Scenario,
  ScriptEntry,
  ScriptEntryInput,
} from './scenarios.ts'
export { encodeFrame, eventFrame, exceptionFrame } from './event-stream-encoder.ts'
export { decodeFloat32Base64, embedText, float32Base64 } from './embedding-vectors.ts'
export { findMantleModel, mantleModels, mantlePrefixes } from './mantle-models.ts'
export type { MantleModel, MantlePrefix } from './mantle-models.ts'
export { foundationModels, systemProfiles } from './foundation-models.ts'
export { mantleClient, signedFetch, testApiKey } from './mantle-clients.ts'
