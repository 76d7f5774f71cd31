// A clone of this repository must hold everything its comments and docs cite: design notes kept
// beside the checkout (a `shared/` folder of the workspace) are not part of it, so no tracked file
// may point there. Facts the code needs live in docs/ (docs/reference/ for the AWS wire facts).
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const self = 'test/repository-stands-alone.test.ts'
// Built from pieces so that this file does not match itself.
const outside = new RegExp(['\\.\\./shared', 'shared/reference', 'shared/DESIGN'].join('|'))

/** The lines of tracked files that point outside the repository, as `path:line: text`. */
function pointersOutside(files: { path: string; text: string }[]): string[] {
  return files.flatMap(({ path, text }) =>
    text
      .split('\n')
      .flatMap((line, index) =>
        outside.test(line) ? [`${path}:${index + 1}: ${line.trim()}`] : [],
      ),
  )
}

function trackedFiles(): { path: string; text: string }[] {
  const listed = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
  return listed
    .split('\0')
    .filter((path) => path !== '' && path !== self)
    .map((path) => ({ path, text: readFileSync(`${root}/${path}`).toString('latin1') }))
}

describe('the repository stands alone', () => {
  it('finds a pointer outside the repository when one is there', () => {
    const found = pointersOutside([
      { path: 'a.ts', text: 'ok\n// see ../shared' + '/DESIGN.md\n' },
      { path: 'b.md', text: 'see shared/' + 'reference/bedrock-api.md' },
      { path: 'c.md', text: 'shared by the gateway and the operator' },
    ])
    expect(found).toEqual([
      'a.ts:2: // see ../shared/DESIGN.md',
      'b.md:1: see shared/reference/bedrock-api.md',
    ])
  })

  it('no tracked file points outside the repository', () => {
    const files = trackedFiles()
    expect(files.length, 'git ls-files found no files; is this a git checkout?').toBeGreaterThan(
      100,
    )
    expect(pointersOutside(files)).toEqual([])
  })
})
