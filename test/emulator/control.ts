// The emulator's own control API under /__emulator/, so tests can script and inspect an
// emulator running in another process. Never recorded among the requests it reports on.
import { z } from 'zod'
import { resetState, type EmulatorState } from './emulator-state.ts'
import { sendJson } from './http-io.ts'
import type { Route } from './router.ts'
import { scriptEntrySchema } from './scenarios.ts'
import { modelBehaviourSchema } from './model-behaviours.ts'

export const controlPrefix = '/__emulator'

export function controlRoutes(state: EmulatorState): Route[] {
  const route = (method: string, path: string, handle: Route['handle']): Route => ({
    method,
    pattern: `${controlPrefix}/${path}`,
    operation: `control:${path}`,
    record: false,
    handle,
  })
  return [
    route('POST', 'scenarios', ({ res, body }) => {
      const entry = scriptEntrySchema.safeParse(body)
      if (entry.success) {
        state.scenarios.add(entry.data)
        sendJson(res, 201, { pending: state.scenarios.pending().length })
      } else {
        sendJson(res, 400, { message: z.prettifyError(entry.error) })
      }
      return Promise.resolve()
    }),
    route('GET', 'scenarios', ({ res }) => {
      sendJson(res, 200, { scenarios: state.scenarios.pending() })
      return Promise.resolve()
    }),
    route('PUT', 'behaviours', ({ res, body }) => {
      const entry = modelBehaviourSchema.safeParse(body)
      if (entry.success) {
        state.behaviours.set(entry.data.modelId, entry.data.behaviour)
        sendJson(res, 200, { behaviours: state.behaviours.all() })
      } else {
        sendJson(res, 400, { message: z.prettifyError(entry.error) })
      }
      return Promise.resolve()
    }),
    route('GET', 'requests', ({ res }) => {
      sendJson(res, 200, { requests: state.log.all() })
      return Promise.resolve()
    }),
    route('DELETE', 'projects/{projectId}', ({ res, params }) => {
      const forgotten = state.projects.forget(params['projectId'] ?? '')
      sendJson(res, forgotten ? 200 : 404, { forgotten })
      return Promise.resolve()
    }),
    route('POST', 'reset', ({ res }) => {
      resetState(state)
      sendJson(res, 200, {})
      return Promise.resolve()
    }),
  ]
}
