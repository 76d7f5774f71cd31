// The folder graph of a source tree, from its import statements: which folder (or top-level file)
// imports which, the groups of folders that import each other in a circle, and the imports that
// break a declared order of layers. Pure: file paths and their text go in, findings come out.
// test/layering/check-layers.ts reads the gateway and applies gateway-layers.ts to it.
import { dirname, join, normalize } from 'node:path/posix'

// Static imports and re-exports, type-only ones included: a type import still ties two folders.
const importPattern = /^\s*(?:import|export)\s+(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm

export interface SourceImports {
  /** Paths of the files this one imports, relative to the tree's root. */
  local: string[]
  /** Bare specifiers (packages, `node:*`). */
  external: string[]
}

/** The imports of one file at `path` (relative to the root) with the given text. */
export function importsOf(path: string, text: string): SourceImports {
  const local: string[] = []
  const external: string[] = []
  for (const match of text.matchAll(importPattern)) {
    const specifier = match[1] ?? ''
    if (specifier.startsWith('.')) local.push(normalize(join(dirname(path), specifier)))
    else external.push(specifier)
  }
  return { local, external }
}

/** The node a file belongs to: its first folder, or the file itself at the root. */
export function nodeOf(path: string): string {
  const slash = path.indexOf('/')
  return slash === -1 ? path : `${path.slice(0, slash)}/`
}

export interface ImportEdge {
  from: string
  to: string
  /** The file that imports, and the one it imports. */
  file: string
  target: string
}

/** Every import between two different nodes; imports leaving the root are ignored. */
export function crossNodeEdges(files: ReadonlyMap<string, string>): ImportEdge[] {
  const edges: ImportEdge[] = []
  for (const [file, text] of files) {
    for (const target of importsOf(file, text).local) {
      if (target.startsWith('../')) continue
      const from = nodeOf(file)
      const to = nodeOf(target)
      if (from !== to) edges.push({ from, to, file, target })
    }
  }
  return edges
}

/** Groups of two or more nodes that reach each other (Tarjan's strongly connected components). */
export function importCycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, Set<string>>()
  for (const { from, to } of edges) {
    next.set(from, (next.get(from) ?? new Set()).add(to))
    if (!next.has(to)) next.set(to, new Set())
  }
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const groups: string[][] = []
  const visit = (node: string): void => {
    index.set(node, index.size)
    low.set(node, index.get(node) ?? 0)
    stack.push(node)
    onStack.add(node)
    for (const to of next.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to)
        low.set(node, Math.min(low.get(node) ?? 0, low.get(to) ?? 0))
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(to) ?? 0))
      }
    }
    if (low.get(node) !== index.get(node)) return
    const group: string[] = []
    for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
      onStack.delete(top)
      group.push(top)
      if (top === node) break
    }
    if (group.length > 1) groups.push(group.sort())
  }
  for (const node of [...next.keys()].sort()) if (!index.has(node)) visit(node)
  return groups
}

/**
 * Layers from top to bottom; a node may import only nodes of a lower layer (or its own node).
 * Every node of the tree must be placed, so a new folder cannot escape the order unnoticed.
 */
export type Layers = readonly (readonly string[])[]

export interface LayerFinding {
  file: string
  message: string
}

export function layerFindings(
  files: ReadonlyMap<string, string>,
  layers: Layers,
  forbiddenPackages: ReadonlyMap<string, RegExp>,
): LayerFinding[] {
  const rank = new Map<string, number>()
  layers.forEach((layer, depth) => {
    for (const node of layer) rank.set(node, depth)
  })
  const findings: LayerFinding[] = []
  const unplaced = new Set<string>()
  for (const file of files.keys()) {
    const node = nodeOf(file)
    if (!rank.has(node) && !unplaced.has(node)) {
      unplaced.add(node)
      findings.push({ file, message: `${node} is in no layer: add it to the layer list` })
    }
  }
  for (const edge of crossNodeEdges(files)) {
    const from = rank.get(edge.from)
    const to = rank.get(edge.to)
    if (from === undefined || to === undefined || to > from) continue
    findings.push({
      file: edge.file,
      message: `imports ${edge.target}: ${edge.to} is ${to === from ? 'beside' : 'above'} ${edge.from} in the layers`,
    })
  }
  for (const [file, text] of files) {
    const pattern = forbiddenPackages.get(nodeOf(file))
    if (pattern === undefined) continue
    for (const specifier of importsOf(file, text).external) {
      if (pattern.test(specifier))
        findings.push({ file, message: `imports ${specifier}, which ${nodeOf(file)} may not use` })
    }
  }
  return findings
}
