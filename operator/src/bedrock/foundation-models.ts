// Which Converse models exist in a region, from ListFoundationModels, cached because the catalog
// changes rarely and every publish asks. A failed lookup answers "unknown", never "missing": a
// throttled control plane must not take routes out of service.
import { BedrockClient, ListFoundationModelsCommand } from '@aws-sdk/client-bedrock'

const geographyPrefix = /^(us|eu|apac|jp|au|ca|global|us-gov|uk)\./

export class FoundationModelCatalog {
  readonly #clients: (region: string) => BedrockClient
  readonly #ttlMs: number
  readonly #cache = new Map<string, { at: number; ids: Set<string> }>()
  readonly #log: (message: string) => void

  constructor(
    clients: (region: string) => BedrockClient,
    log: (message: string) => void,
    ttlMs = 10 * 60_000,
  ) {
    this.#clients = clients
    this.#log = log
    this.#ttlMs = ttlMs
  }

  /** Loads the catalogs of these regions (from cache when fresh); call before `exists`. */
  async load(regions: Iterable<string>): Promise<void> {
    for (const region of regions) {
      const cached = this.#cache.get(region)
      if (cached && Date.now() - cached.at < this.#ttlMs) continue
      try {
        const page = await this.#clients(region).send(new ListFoundationModelsCommand({}))
        const ids = new Set((page.modelSummaries ?? []).map((model) => model.modelId ?? ''))
        this.#cache.set(region, { at: Date.now(), ids })
      } catch (error) {
        this.#log(
          `foundation models of ${region} unknown: ${error instanceof Error ? error.message : String(error)}`,
        )
      }
    }
  }

  /** true or false when the catalog knows; undefined when it could not be read or the id is an ARN. */
  exists(region: string, modelId: string): boolean | undefined {
    if (modelId.startsWith('arn:')) return undefined
    const ids = this.#cache.get(region)?.ids
    if (!ids) return undefined
    return ids.has(modelId.replace(geographyPrefix, ''))
  }
}
