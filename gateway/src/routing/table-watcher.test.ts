import { mkdir, mkdtemp, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RoutingTable } from '@strata/crds'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { InvalidRoutingTableError, readRoutingTableFile } from './table-file.ts'
import { watchRoutingTableFile, type TableWatcher } from './table-watcher.ts'
import { testTableInput } from '../../test-support/test-tables.ts'

const tableText = (version: number): string => JSON.stringify({ ...testTableInput(), version })

// As long as the test's own 5 s timeout allows: it costs only a failing run, and a loaded machine
// delivers file events late.
async function until(condition: () => boolean, timeoutMs = 4_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe('routing table file', () => {
  let directory: string
  let path: string
  let watcher: TableWatcher | undefined
  const tables: RoutingTable[] = []
  const errors: unknown[] = []

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'strata-routes-'))
    path = join(directory, 'routes.json')
    tables.length = 0
    errors.length = 0
    await writeFile(path, tableText(1))
  })

  afterEach(async () => {
    watcher?.close()
    await rm(directory, { recursive: true, force: true })
  })

  function startWatching(): void {
    watcher = watchRoutingTableFile({
      path,
      initialText: tableText(1),
      debounceMs: 30,
      onTable: (table) => tables.push(table),
      onInvalid: (error) => errors.push(error),
    })
  }

  it('reads and validates a table', async () => {
    expect((await readRoutingTableFile(path)).version).toBe(1)
  })

  it('names every problem of an invalid file', async () => {
    await writeFile(path, JSON.stringify({ ...testTableInput(), kind: 'Nope', version: -2 }))
    const failure = readRoutingTableFile(path)
    await expect(failure).rejects.toBeInstanceOf(InvalidRoutingTableError)
    await expect(failure).rejects.toThrow(/kind[\s\S]*version/)
  })

  it('refuses a file that is not JSON', async () => {
    await writeFile(path, '{ "apiVersion": ')
    await expect(readRoutingTableFile(path)).rejects.toThrow('not JSON')
  })

  it('reloads a file written in place, once per burst of writes', async () => {
    startWatching()
    await writeFile(path, tableText(2))
    await writeFile(path, tableText(3))
    await until(() => tables.length > 0)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(tables.map((table) => table.version)).toEqual([3])
  })

  it('reloads a file replaced by rename, as editors and ConfigMap mounts do', async () => {
    startWatching()
    const temporary = join(directory, '.routes.json.swp')
    await writeFile(temporary, tableText(4))
    await rename(temporary, path)
    await until(() => tables.length > 0)
    expect(tables.at(-1)?.version).toBe(4)
  })

  it('reloads when a ConfigMap volume swaps its ..data symlink', async () => {
    await mkdir(join(directory, '..v1'))
    await writeFile(join(directory, '..v1', 'routes.json'), tableText(1))
    await symlink('..v1', join(directory, '..data'))
    await unlink(path)
    await symlink(join('..data', 'routes.json'), path)
    startWatching()
    await mkdir(join(directory, '..v2'))
    await writeFile(join(directory, '..v2', 'routes.json'), tableText(6))
    await symlink('..v2', join(directory, '..data_tmp'))
    await rename(join(directory, '..data_tmp'), join(directory, '..data'))
    await until(() => tables.length > 0)
    expect(tables.at(-1)?.version).toBe(6)
  })

  it('reports an invalid update and recovers on the next valid one', async () => {
    startWatching()
    await writeFile(path, '{ broken')
    await until(() => errors.length > 0)
    expect(tables).toEqual([])
    await writeFile(path, tableText(5))
    await until(() => tables.length > 0)
    expect(tables.at(-1)?.version).toBe(5)
  })

  it('ignores events that leave the file unchanged', async () => {
    startWatching()
    await writeFile(path, tableText(1))
    await writeFile(join(directory, 'unrelated.txt'), 'x')
    await new Promise((resolve) => setTimeout(resolve, 150))
    expect(tables).toEqual([])
    expect(errors).toEqual([])
  })

  it('does not read the table again for events about other files of its directory', async () => {
    // The table is a symlink to a file elsewhere, so that it can change without an event here.
    const elsewhere = await mkdtemp(join(tmpdir(), 'strata-routes-target-'))
    try {
      const target = join(elsewhere, 'routes.json')
      await writeFile(target, tableText(1))
      await unlink(path)
      await symlink(target, path)
      startWatching()
      await writeFile(target, tableText(7))
      await writeFile(join(directory, 'gateway.log'), 'a line\n')
      await new Promise((resolve) => setTimeout(resolve, 150))
      expect(tables).toEqual([])
      // An event for the table itself still reloads it.
      await rename(path, join(directory, 'routes.old'))
      await symlink(target, path)
      await until(() => tables.length > 0)
      expect(tables.at(-1)?.version).toBe(7)
    } finally {
      await rm(elsewhere, { recursive: true, force: true })
    }
  })
})
