// How the routing table travels in a ConfigMap: plain JSON in `data` while small, gzip in
// `binaryData` once large, because a ConfigMap holds at most 1 MiB and a 5,000-route table in
// JSON does not fit. Operator and gateway share this codec so the two can never disagree.
import { createHash } from 'node:crypto'
import { gunzipSync, gzipSync } from 'node:zlib'
import { parseRoutingTable, type RoutingTable, type RoutingTableInput } from './routing-table.ts'

export const ROUTING_TABLE_CONFIG_MAP = 'strata-routing-table'
export const TABLE_KEY = 'routing-table.json'
export const TABLE_GZIP_KEY = 'routing-table.json.gz'
export const VERSION_ANNOTATION = 'strata.dev/routing-table-version'
export const CONTENT_HASH_ANNOTATION = 'strata.dev/routing-table-content-sha256'
/** Above this many bytes of JSON the table is gzipped. */
export const GZIP_THRESHOLD_BYTES = 256 * 1024

export interface ConfigMapPayload {
  data?: Record<string, string>
  binaryData?: Record<string, string>
}

/** A hash of what the table says, ignoring its version and timestamp, to skip no-op publishes. */
export function tableContentHash(projects: RoutingTableInput['projects']): string {
  return createHash('sha256').update(JSON.stringify(projects)).digest('hex')
}

export function encodeTableConfigMap(table: RoutingTableInput): ConfigMapPayload {
  const json = JSON.stringify(table)
  if (Buffer.byteLength(json) <= GZIP_THRESHOLD_BYTES) return { data: { [TABLE_KEY]: json } }
  return { binaryData: { [TABLE_GZIP_KEY]: gzipSync(json).toString('base64') } }
}

export type DecodeResult = { ok: true; table: RoutingTable } | { ok: false; error: string }

export function decodeTableConfigMap(payload: ConfigMapPayload): DecodeResult {
  let json: string | undefined
  try {
    const gzipped = payload.binaryData?.[TABLE_GZIP_KEY]
    json =
      gzipped !== undefined
        ? gunzipSync(Buffer.from(gzipped, 'base64')).toString('utf8')
        : payload.data?.[TABLE_KEY]
  } catch (error) {
    return {
      ok: false,
      error: `routing table is not valid gzip: ${error instanceof Error ? error.message : String(error)}`,
    }
  }
  if (json === undefined)
    return { ok: false, error: `ConfigMap holds neither ${TABLE_KEY} nor ${TABLE_GZIP_KEY}` }
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch {
    return { ok: false, error: 'routing table is not valid JSON' }
  }
  const parsed = parseRoutingTable(value)
  return parsed.success
    ? { ok: true, table: parsed.data }
    : { ok: false, error: parsed.error.message }
}
