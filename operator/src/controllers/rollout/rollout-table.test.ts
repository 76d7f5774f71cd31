import { modelRouteSchema, type ModelRoute } from '@strata/crds'
import { describe, expect, it } from 'vitest'
import { compileTable } from '../../routing/compile-table.ts'
import { routeInput } from '../../routing/table-inputs.ts'
import { routeTrigger } from '../triggers.ts'
import { decideRollout } from './rollout-decision.ts'

const project = {
  namespace: 'apps',
  name: 'support',
  region: 'us-east-1',
  projectId: 'proj_abc',
  projectArn: undefined,
  tags: {},
  keys: [{ sha256: 'a'.repeat(64) }],
  profiles: {},
}

function route(status?: ModelRoute['status']): ModelRoute {
  return modelRouteSchema.parse({
    apiVersion: 'strata.dev/v1alpha1',
    kind: 'ModelRoute',
    metadata: { name: 'chat', namespace: 'apps', generation: 1 },
    spec: {
      projectRef: { name: 'support' },
      model: 'chat',
      backends: [
        { name: 'old', kind: 'mantle', modelId: 'openai.gpt-oss-20b' },
        { name: 'new', kind: 'mantle', modelId: 'openai.gpt-oss-120b', weight: 7 },
        { name: 'spare', kind: 'mantle', modelId: 'openai.gpt-oss-120b', priority: 1 },
      ],
      rollout: {
        stable: 'old',
        candidate: 'new',
        steps: [
          { shadowPercent: 10, durationSeconds: 60 },
          { weight: 25, durationSeconds: 60 },
        ],
        gates: { errorRate: { maxIncreasePercent: 1 } },
      },
    },
    ...(status ? { status } : {}),
  })
}

const weights = (object: ModelRoute) => {
  const { projects } = compileTable([project], [routeInput(object)])
  const entry = projects[0]?.routes[0]
  return {
    weights: entry?.backends.map((backend) => [backend.name, backend.weight]),
    shadow: entry?.shadow,
  }
}

describe('a rollout in the routing table', () => {
  it('sends the candidate nothing before the controller starts it, whatever its spec weight', () => {
    expect(weights(route())).toEqual({
      weights: [
        ['old', 1000],
        ['new', 0],
        ['spare', 1],
      ],
      shadow: undefined,
    })
  })

  it('writes the recorded step: a shadow step, then the step weight per mille', () => {
    const base = route()
    const hash = (object: ModelRoute) => routeTrigger(object).rollout
    const status = {
      phase: 'Progressing' as const,
      stable: 'old',
      candidate: 'new',
      step: 0,
      steps: 2,
      weight: 0,
      shadowPercent: 10,
      stepStartedAt: '2026-12-07T02:00:00Z',
      reason: 'Started',
      message: 'started',
    }
    {
      const rollout = base.spec.rollout
      if (!rollout) throw new Error('no rollout')
      // The status as the controller decides it, spec hash included.
      const started = decideRollout({
        rollout,
        status: undefined,
        control: undefined,
        prometheus: true,
        now: new Date('2026-12-07T02:00:00Z'),
      }).status
      expect(started).toMatchObject({ ...status, message: expect.any(String) as string })
      const shadowed = route({ rollout: started })
      expect(weights(shadowed)).toEqual({
        weights: [
          ['old', 1000],
          ['new', 0],
          ['spare', 1],
        ],
        shadow: { backend: 'new', percent: 10 },
      })
      const quarter = route({
        rollout: { ...started, step: 1, weight: 25, shadowPercent: undefined },
      })
      expect(weights(quarter).weights).toEqual([
        ['old', 750],
        ['new', 250],
        ['spare', 1],
      ])
      // A status write that moves the weights is what makes the route event filter republish.
      expect(hash(quarter)).not.toBe(hash(shadowed))
    }
  })
})
