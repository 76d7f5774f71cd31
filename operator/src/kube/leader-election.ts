// Leader election on a coordination.k8s.io/v1 Lease with controller-runtime's timings (15 s lease,
// 10 s renew deadline, 2 s retry). Only the leader reconciles; a leader that cannot renew within
// the deadline steps down, and a clean shutdown releases the lease so a successor need not wait.
import {
  CoordinationV1Api,
  V1MicroTime,
  type KubeConfig,
  type V1Lease,
  type V1LeaseSpec,
} from '@kubernetes/client-node'
import { decideLease, type LeaseState } from './lease-decision.ts'
import { describeError, statusCodeOf } from './errors.ts'

export interface LeaderElectionOptions {
  namespace: string
  name: string
  identity: string
  leaseDurationSeconds?: number
  renewDeadlineSeconds?: number
  retryPeriodSeconds?: number
  /** Clear the holder on shutdown so a successor need not wait out the lease (default true). */
  releaseOnCancel?: boolean
  onStartedLeading: () => void
  onStoppedLeading: () => void
  /** The Lease's namespace does not exist; retrying cannot help, so election stops. */
  onNamespaceMissing?: (message: string) => void
  log: (message: string) => void
}

// A Lease call to an apiserver that stopped answering would otherwise hang: a leader could then
// neither notice its renew deadline nor shut down. The call itself is left to fail on its own.
function within<T>(ms: number, what: string, call: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${what} took longer than ${ms} ms`))
    }, ms)
  })
  return Promise.race([call, expired]).finally(() => {
    clearTimeout(timer)
  })
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => {
      clearTimeout(timer)
      resolve()
    })
  })

// client-node 2.0.1 types MicroTime fields as Date but hands them over as strings.
function toDate(value: unknown): Date | undefined {
  if (value instanceof Date) return value
  if (typeof value === 'string') return new Date(value)
  return undefined
}

function toState(lease: V1Lease | undefined): LeaseState | undefined {
  const spec = lease?.spec
  if (!spec) return undefined
  return {
    holderIdentity: spec.holderIdentity,
    leaseDurationSeconds: spec.leaseDurationSeconds,
    renewTime: toDate(spec.renewTime),
    acquireTime: toDate(spec.acquireTime),
    leaseTransitions: spec.leaseTransitions,
  }
}

function toSpec(state: LeaseState): V1LeaseSpec {
  return {
    holderIdentity: state.holderIdentity ?? '',
    leaseDurationSeconds: state.leaseDurationSeconds ?? 15,
    leaseTransitions: state.leaseTransitions ?? 0,
    ...(state.renewTime ? { renewTime: new V1MicroTime(state.renewTime.getTime()) } : {}),
    ...(state.acquireTime ? { acquireTime: new V1MicroTime(state.acquireTime.getTime()) } : {}),
  }
}

class NamespaceMissingError extends Error {
  constructor(namespace: string) {
    super(
      `namespace "${namespace}" does not exist: create it, or pass --namespace (or POD_NAMESPACE) naming the namespace for the operator's Lease and routing table`,
    )
  }
}

export class LeaderElector {
  readonly #api: CoordinationV1Api
  readonly #options: Required<LeaderElectionOptions>
  #leading = false
  #lastRenew = 0

  constructor(config: KubeConfig, options: LeaderElectionOptions) {
    this.#api = config.makeApiClient(CoordinationV1Api)
    this.#options = {
      leaseDurationSeconds: 15,
      renewDeadlineSeconds: 10,
      retryPeriodSeconds: 2,
      releaseOnCancel: true,
      onNamespaceMissing: () => undefined,
      ...options,
    }
  }

  get leading(): boolean {
    return this.#leading
  }

  /** Runs until the signal aborts; then releases the lease if held. */
  async run(signal: AbortSignal): Promise<void> {
    const { retryPeriodSeconds, renewDeadlineSeconds } = this.#options
    while (!signal.aborted) {
      const held = await within(
        renewDeadlineSeconds * 1000,
        'acquiring or renewing the lease',
        this.#tryAcquireOrRenew(),
      ).catch((error: unknown) => {
        if (error instanceof NamespaceMissingError) return error
        this.#options.log(`leader election: ${describeError(error)}`)
        return false
      })
      if (held instanceof NamespaceMissingError) {
        this.#options.log(`leader election: ${held.message}`)
        this.#options.onNamespaceMissing(held.message)
        return
      }
      if (held) {
        this.#lastRenew = Date.now()
        if (!this.#leading) {
          this.#leading = true
          this.#options.log(`leader election: ${this.#options.identity} became leader`)
          this.#options.onStartedLeading()
        }
      } else if (this.#leading && Date.now() - this.#lastRenew > renewDeadlineSeconds * 1000) {
        this.#leading = false
        this.#options.log('leader election: lost the lease (renew deadline passed)')
        this.#options.onStoppedLeading()
      }
      await sleep(retryPeriodSeconds * 1000, signal)
    }
    if (this.#leading && this.#options.releaseOnCancel)
      await within(retryPeriodSeconds * 1000, 'releasing the lease', this.#release()).catch(
        (error: unknown) => {
          this.#options.log(`leader election: ${describeError(error)}`)
        },
      )
    this.#leading = false
  }

  async #tryAcquireOrRenew(): Promise<boolean> {
    const { namespace, name, identity, leaseDurationSeconds } = this.#options
    const existing = await this.#api
      .readNamespacedLease({ name, namespace })
      .catch((error: unknown) => {
        if (statusCodeOf(error) === 404) return undefined
        throw error
      })
    const decision = decideLease(toState(existing), identity, leaseDurationSeconds, new Date())
    if (decision.action === 'wait') return false
    const body: V1Lease = { metadata: { name, namespace }, spec: toSpec(decision.spec) }
    if (!existing) {
      // Creating in a namespace that does not exist is a 404: only out of cluster, with a
      // mistyped or forgotten --namespace, since a pod's own namespace always exists.
      await this.#api.createNamespacedLease({ namespace, body }).catch((error: unknown) => {
        if (statusCodeOf(error) === 404) throw new NamespaceMissingError(namespace)
        throw error
      })
      return true
    }
    // replace carries the resourceVersion we read: a 409 means someone else won the race.
    const resourceVersion = existing.metadata?.resourceVersion
    body.metadata = resourceVersion ? { name, namespace, resourceVersion } : { name, namespace }
    return this.#api.replaceNamespacedLease({ name, namespace, body }).then(
      () => true,
      (error: unknown) => {
        if (statusCodeOf(error) === 409) return false
        throw error
      },
    )
  }

  async #release(): Promise<void> {
    const { namespace, name, identity } = this.#options
    try {
      const lease = await this.#api.readNamespacedLease({ name, namespace })
      if (lease.spec?.holderIdentity !== identity) return
      lease.spec.holderIdentity = ''
      await this.#api.replaceNamespacedLease({ name, namespace, body: lease })
      this.#leading = false
      this.#options.log('leader election: released the lease')
    } catch (error) {
      this.#options.log(`leader election: release failed: ${describeError(error)}`)
    }
  }
}
