// The images the node runs, from test/images/build-images.sh: it builds what changed (a second run
// with nothing changed takes seconds) and its manifest says each image's reference and archive.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'

const script = join(import.meta.dirname, 'build-images.sh')
const imageNames = [
  'pause',
  'gateway',
  'operator',
  'emulator',
  'client',
  'prometheus',
  'keda',
] as const

const imageSchema = z.object({ ref: z.string(), archive: z.string(), bytes: z.number() })
export type BuiltImage = z.infer<typeof imageSchema>
export type Images = Record<(typeof imageNames)[number], BuiltImage>

const manifestSchema = z.object({
  images: z.object(Object.fromEntries(imageNames.map((name) => [name, imageSchema]))),
})

function manifestPath(): string {
  const cache =
    process.env['STRATA_CACHE'] ?? join(process.env['HOME'] ?? '/root', '.cache', 'strata')
  return join(process.env['STRATA_IMAGES_DIR'] ?? join(cache, 'images'), 'manifest.json')
}

/** Builds what changed; the script's progress goes to stderr as it happens. */
export function ensureImages(): Images {
  try {
    execFileSync('bash', [script], { stdio: ['ignore', 'ignore', 'inherit'] })
  } catch (error) {
    throw new Error(`building the images failed (${script}; its output is above): ${String(error)}`)
  }
  return manifestSchema.parse(JSON.parse(readFileSync(manifestPath(), 'utf8'))).images as Images
}

/** What a node imports: every image, the pause image as its pod sandbox. */
export function nodeImages(images: Images): { sandboxImage: string; images: string[] } {
  return {
    sandboxImage: images.pause.ref,
    images: Object.values(images).map((image) => image.archive),
  }
}
