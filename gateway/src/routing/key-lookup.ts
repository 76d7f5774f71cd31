// Client keys are stored only as SHA-256 hashes. A presented key is hashed and the hash looked up;
// hashes of high-entropy keys need no salt, and a hash leaks nothing an attacker could replay.
//
// Why this is constant-time with respect to the secret: the only thing that ever touches the
// presented key is SHA-256, whose running time depends on the key's length, not its content.
// The map lookup then compares digests, and whatever its timing reveals is about digest bytes:
// learning that a guess's digest shares a prefix with a stored digest tells an attacker nothing
// about which key would share more (that would need a SHA-256 preimage), so the usual byte-by-byte
// timing attack on a plain `===` of secrets has nothing to climb. See docs/security.md.
import { hash, timingSafeEqual } from 'node:crypto'
import type { Project } from '@strata/crds'
import type { RoutingIndex } from './routing-index.ts'

export type KeyLookup =
  | { outcome: 'valid'; project: Project }
  | { outcome: 'unknown' }
  | { outcome: 'expired'; project: Project }

export function sha256Hex(key: string): string {
  return hash('sha256', key, 'hex')
}

/** Resolves a presented key to its project; `nowMs` decides whether a rotated-out key has expired. */
export function lookupKey(index: RoutingIndex, presentedKey: string, nowMs: number): KeyLookup {
  // One-shot: a Hash object per request cost more than the digest itself.
  const digest = hash('sha256', presentedKey, 'buffer')
  const entry = index.keys.get(digest.toString('hex'))
  // The map lookup already matched; the constant-time compare keeps the equality decision itself
  // free of early exits should the index ever be keyed differently.
  if (entry === undefined || !timingSafeEqual(entry.hash, digest)) return { outcome: 'unknown' }
  if (entry.notAfterMs !== undefined && nowMs > entry.notAfterMs) {
    return { outcome: 'expired', project: entry.project }
  }
  return { outcome: 'valid', project: entry.project }
}
