import { CoreV1Api } from '@kubernetes/client-node'
import { describe, expect, inject, it } from 'vitest'
import { LeaderElector } from '../../operator/src/kube/leader-election.ts'
import { eventually, kubeConfigFrom } from '../support/kube.ts'

const config = kubeConfigFrom(inject('kubeconfig'))

function elector(name: string, identity: string, releaseOnCancel: boolean) {
  const events: string[] = []
  const controller = new AbortController()
  const instance = new LeaderElector(config, {
    namespace: 'default',
    name,
    identity,
    // Long enough that a successor waiting out the lease (at least 5.5 s after the leader's last
    // renew) is told apart from one taking a released lease, even on a loaded machine.
    leaseDurationSeconds: 6,
    renewDeadlineSeconds: 4,
    retryPeriodSeconds: 0.5,
    releaseOnCancel,
    onStartedLeading: () => events.push('started'),
    onStoppedLeading: () => events.push('stopped'),
    log: () => undefined,
  })
  const done = instance.run(controller.signal)
  const stop = () => {
    controller.abort()
    return done
  }
  return { instance, events, stop }
}

describe('leader election on a real Lease', () => {
  it('keeps one leader and fails over after the lease expires when the leader dies', async () => {
    await config.makeApiClient(CoreV1Api).readNamespace({ name: 'default' })
    const name = `strata-le-${Date.now().toString(36)}`
    const first = elector(name, 'first', false)
    await eventually('first to lead', () => (first.instance.leading ? true : undefined))
    const second = elector(name, 'second', true)
    await new Promise((resolve) => setTimeout(resolve, 2_000))
    expect(second.instance.leading).toBe(false)

    const crashedAt = Date.now()
    await first.stop() // no release: like a killed process
    await eventually(
      'second to take over',
      () => (second.instance.leading ? true : undefined),
      15_000,
    )
    const failoverMs = Date.now() - crashedAt
    expect(failoverMs).toBeGreaterThan(1_500) // it had to wait for the lease to expire
    expect(failoverMs).toBeLessThan(12_000)

    const third = elector(name, 'third', true)
    const releasedAt = Date.now()
    await second.stop() // clean shutdown releases the lease
    await eventually(
      'third to take over at once',
      () => (third.instance.leading ? true : undefined),
      5_000,
    )
    // Far below the 5.5 s a successor would wait if the lease had not been released.
    expect(Date.now() - releasedAt).toBeLessThan(4_000)
    expect(second.events).toEqual(['started'])
    await third.stop()
  }, 60_000)
})
