// GET /v1/models and /v1/models/{model}: the aliases the caller's project may use, in OpenAI's
// list shape. Reference: https://platform.openai.com/docs/api-reference/models
import type { Route } from '@strata/crds'
import type { Handler } from 'hono'
import type { Caller, GatewayEnv } from '../gateway-env.ts'
import { findRoute, routesOf } from '../routing/routing-index.ts'
import { modelNotFound } from '../errors/catalogue.ts'

export interface OpenAIModel {
  id: string
  object: 'model'
  created: number
  owned_by: string
}

// The table does not track when an alias appeared, so its generation time stands in: stable
// between reloads, and never in the future.
function describeModel(caller: Caller, route: Route): OpenAIModel {
  const created = Math.floor(Date.parse(caller.index.table.generatedAt) / 1000)
  return { id: route.model, object: 'model', created, owned_by: caller.project.name }
}

export function listModels(): Handler<GatewayEnv> {
  return function listCallerModels(c) {
    const caller = c.get('caller')
    const data = routesOf(caller.index, caller.project).map((route) => describeModel(caller, route))
    return c.json({ object: 'list', data })
  }
}

export function retrieveModel(): Handler<GatewayEnv> {
  return function retrieveCallerModel(c) {
    const caller = c.get('caller')
    const alias = c.req.param('model') ?? ''
    const route = findRoute(caller.index, caller.project, alias)
    if (route === undefined) throw modelNotFound(alias, 'model')
    return c.json(describeModel(caller, route))
  }
}
