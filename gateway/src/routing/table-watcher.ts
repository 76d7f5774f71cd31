// Hot reload of a routing table file. The directory is watched, not the file: editors save by
// writing a new file and renaming it over the old one, and Kubernetes updates a mounted ConfigMap
// by swapping a `..data` symlink, and both replace the inode a file watch would follow. An event
// for the file or for `..data` schedules a debounced re-read; events for other files of the
// directory do not, since a table kept beside a busy file (a log) was otherwise read again and
// again. An unchanged file is ignored and an invalid one is reported while the previous table
// stays in service.
import { watch, type FSWatcher } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { basename, dirname } from 'node:path'
import type { RoutingTable } from '@strata/crds'
import { parseRoutingTableText } from './table-file.ts'

export interface TableWatcherOptions {
  path: string
  /** The text of the table already in service, so that a first event with no change is ignored. */
  initialText?: string
  debounceMs?: number
  onTable: (table: RoutingTable) => void
  onInvalid: (error: unknown) => void
}

export interface TableWatcher {
  close(): void
}

export function watchRoutingTableFile(options: TableWatcherOptions): TableWatcher {
  const debounceMs = options.debounceMs ?? 200
  let lastText = options.initialText
  let timer: NodeJS.Timeout | undefined
  let reloading: Promise<void> | undefined
  let again = false
  let closed = false

  async function reload(): Promise<void> {
    const text = await readFile(options.path, 'utf8')
    if (closed || text === lastText) return
    // Remember even an invalid text: re-reporting it on every unrelated event would only add noise.
    lastText = text
    options.onTable(parseRoutingTableText(text, options.path))
  }

  function runReload(): void {
    if (reloading !== undefined) {
      again = true
      return
    }
    reloading = reload()
      .catch((error: unknown) => {
        if (!closed) options.onInvalid(error)
      })
      .finally(() => {
        reloading = undefined
        if (again && !closed) {
          again = false
          runReload()
        }
      })
  }

  function schedule(): void {
    if (closed) return
    clearTimeout(timer)
    timer = setTimeout(runReload, debounceMs)
  }

  // Where the platform does not name the file of an event (Node's fs.watch may not), any event counts.
  const name = basename(options.path)
  const concernsTable = (file: string | null): boolean =>
    file === null || file === name || file === '..data'
  const watcher: FSWatcher = watch(dirname(options.path), { persistent: false }, (_event, file) => {
    if (concernsTable(file)) schedule()
  })
  watcher.on('error', (error) => {
    options.onInvalid(error)
  })
  return {
    close() {
      closed = true
      clearTimeout(timer)
      watcher.close()
    },
  }
}
