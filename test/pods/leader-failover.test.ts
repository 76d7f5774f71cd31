// Leader failover: delete the operator pod that holds the Lease; another pod takes over within
// the lease duration and reconciles a BedrockProject created after the leader is gone.
import { describe, expect, inject, it } from 'vitest'
import { clusterFor, system, kubectlUntil } from './kubectl.ts'
import { componentPods } from './cluster-reads.ts'
import { eventually } from '../support/kube.ts'

const cluster = clusterFor(inject('podKubeconfig'))
const figure = (text: string) => process.stderr.write(`[pods:leader-failover] ${text}\n`)

const holder = (): string =>
  cluster.kubectl('get', 'lease', '-n', system, '-o', 'jsonpath={.items[0].spec.holderIdentity}')

describe('operator leader failover', () => {
  it('another pod takes over and reconciles a new project after the leader pod is deleted', async () => {
    const leader = holder()
    const pods = componentPods(cluster, 'operator').map((pod) => pod.metadata.name)
    const leaderPod = pods.find((pod) => leader.startsWith(pod))
    expect(leaderPod, `lease holder ${leader} among ${pods.join(', ')}`).toBeDefined()
    const from = Date.now()
    cluster.kubectl('delete', 'pod', leaderPod ?? '', '-n', system, '--wait=false')
    cluster.apply([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'failover' } },
      {
        apiVersion: 'strata.dev/v1alpha1',
        kind: 'BedrockProject',
        metadata: { name: 'failover', namespace: 'failover' },
        spec: {
          name: 'Failover Check',
          region: 'us-east-1',
          tags: {
            owner: 'platform',
            cost_center: 'cc-1',
            environment: 'test',
            data_classification: 'internal',
          },
        },
      } as never,
    ])
    const newLeader = await eventually(
      'a new lease holder',
      () => {
        const now = holder()
        return now && !now.startsWith(leaderPod ?? '') ? now : undefined
      },
      90_000,
      500,
    )
    const tookOverMs = Date.now() - from
    await kubectlUntil(
      cluster,
      'the new project Ready',
      [
        'get',
        'bedrockproject',
        'failover',
        '-n',
        'failover',
        '-o',
        'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
      ],
      'True',
      90_000,
    )
    const readyMs = Date.now() - from
    figure(
      `leader ${leader} deleted; ${newLeader} leads after ${String(tookOverMs)} ms; new project Ready after ${String(readyMs)} ms`,
    )
    // A clean shutdown releases the lease, so either the standby (retrying every 2 s) or the
    // Deployment's replacement pod may win it; what must hold is that a live pod other than the
    // deleted one leads and reconciles.
    const live = componentPods(cluster, 'operator').map((pod) => pod.metadata.name)
    const successor = live.find((pod) => newLeader.startsWith(pod))
    expect(
      successor,
      `${newLeader} is one of the live operator pods ${live.join(', ')}`,
    ).toBeDefined()
    expect(successor).not.toBe(leaderPod)
    figure(
      `the lease went to the ${pods.includes(successor ?? '') ? 'standby' : 'replacement pod'}`,
    )
  })
})
