// Reads a V8 .cpuprofile (what `node --cpu-prof` writes) and ranks self time by function and by
// package, so the hot path can be read without DevTools.
import { z } from 'zod'

const profileSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({
        functionName: z.string(),
        url: z.string(),
        lineNumber: z.number(),
      }),
      children: z.array(z.number()).optional(),
    }),
  ),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
})

export interface SelfTime {
  name: string
  percent: number
}

function packageOf(url: string): string {
  if (url === '') return '(native / V8)'
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (modules?.[1] !== undefined) return modules[1]
  if (url.startsWith('node:')) return 'node core'
  const ours = /\/(gateway|crds|test)\/src\/(.+)$/.exec(url)
  return ours ? `${ours[1] ?? ''}/${ours[2] ?? ''}` : url
}

export function rankSelfTime(
  json: unknown,
  top = 25,
): { functions: SelfTime[]; packages: SelfTime[] } {
  const profile = profileSchema.parse(json)
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const functions = new Map<string, number>()
  const packages = new Map<string, number>()
  let total = 0
  profile.samples.forEach((id, index) => {
    const node = byId.get(id)
    const delta = profile.timeDeltas[index] ?? 0
    if (node === undefined) return
    const { functionName, url, lineNumber } = node.callFrame
    if (functionName === '(idle)') return
    total += delta
    const file = url.split('/').slice(-2).join('/')
    const key = `${functionName || '(anonymous)'} ${file}:${String(lineNumber + 1)}`
    functions.set(key, (functions.get(key) ?? 0) + delta)
    const owner = packageOf(url)
    packages.set(owner, (packages.get(owner) ?? 0) + delta)
  })
  const rank = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, time]) => ({ name, percent: (100 * time) / Math.max(1, total) }))
  return { functions: rank(functions), packages: rank(packages) }
}

// Inclusive time: a sample counts once for every distinct function on its stack, so a caller's
// share includes what it calls. This shows which of our steps is expensive as a whole, where
// self time spreads the same cost over Node's internals.
export function rankTotalTime(json: unknown, top = 40, match = /\/gateway\/src\//): SelfTime[] {
  const profile = profileSchema.parse(json)
  const parents = new Map<number, number>()
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parents.set(child, node.id)
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const totals = new Map<string, number>()
  let total = 0
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0
    if (byId.get(id)?.callFrame.functionName === '(idle)') return
    total += delta
    const seen = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
      const frame = byId.get(at)?.callFrame
      if (frame === undefined || !match.test(frame.url)) continue
      const file = frame.url.split('/').slice(-2).join('/')
      seen.add(`${frame.functionName || '(anonymous)'} ${file}:${String(frame.lineNumber + 1)}`)
    }
    for (const key of seen) totals.set(key, (totals.get(key) ?? 0) + delta)
  })
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, time]) => ({ name, percent: (100 * time) / Math.max(1, total) }))
}
