import type { SerializedError, TestModule } from 'vitest/node'
import { describe, expect, it } from 'vitest'
import { closingLine } from './closing-line-reporter.ts'

/** The two things the reporter reads of a file: its own state and its tests' states. */
const fileWith = (state: string, tests: string[]): TestModule =>
  ({
    state: () => state,
    children: {
      allTests: () => tests.map((testState) => ({ result: () => ({ state: testState }) })),
    },
  }) as unknown as TestModule

describe('closingLine', () => {
  it('counts tests by their state', () => {
    expect(closingLine([fileWith('passed', ['passed', 'passed', 'skipped'])], [])).toBe(
      'tests: 2 passed, 0 failed, 1 skipped',
    )
  })

  it('counts a file whose beforeAll failed as one failure, though its tests were only skipped', () => {
    expect(closingLine([fileWith('failed', ['skipped'])], [])).toBe(
      'tests: 0 passed, 1 failed, 1 skipped',
    )
  })

  it('does not count a file twice when its tests already failed', () => {
    expect(closingLine([fileWith('failed', ['failed', 'passed'])], [])).toBe(
      'tests: 1 passed, 1 failed, 0 skipped',
    )
  })

  it('counts errors outside any file, such as a global setup that threw', () => {
    const error = { message: 'global setup failed' } as SerializedError
    expect(closingLine([], [error])).toBe('tests: 0 passed, 1 failed, 0 skipped')
  })
})
