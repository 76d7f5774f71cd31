// Standalone mode reads the routing table from a JSON file: the same document the operator writes
// to the ConfigMap.
import { readFile } from 'node:fs/promises'
import { parseRoutingTable, type RoutingTable } from '@strata/crds'
import { z } from 'zod'

export class InvalidRoutingTableError extends Error {
  constructor(source: string, reason: string, options?: ErrorOptions) {
    super(`invalid routing table ${source}: ${reason}`, options)
    this.name = 'InvalidRoutingTableError'
  }
}

/** Parses the text of a routing table document; throws InvalidRoutingTableError with every issue. */
export function parseRoutingTableText(text: string, source: string): RoutingTable {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new InvalidRoutingTableError(source, 'not JSON', { cause: error })
  }
  const result = parseRoutingTable(value)
  if (!result.success)
    throw new InvalidRoutingTableError(source, `\n${z.prettifyError(result.error)}`)
  return result.data
}

export async function readRoutingTableFile(path: string): Promise<RoutingTable> {
  return parseRoutingTableText(await readFile(path, 'utf8'), path)
}
