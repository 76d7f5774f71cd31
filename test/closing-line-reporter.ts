// CI judges a run by its closing line; vitest's own summary is not one it reads, so we add the
// plain "N passed, N failed" line after every run. A file that failed outside its tests (a
// beforeAll hook, an import) and an error outside any file each count as one failure, so the line
// never reads "0 failed" for a run that failed.
import type { Reporter, SerializedError, TestModule } from 'vitest/node'

export function closingLine(
  testModules: ReadonlyArray<TestModule>,
  unhandledErrors: ReadonlyArray<SerializedError>,
): string {
  let passed = 0
  let failed = 0
  let skipped = 0
  for (const testModule of testModules) {
    let failedHere = 0
    for (const test of testModule.children.allTests()) {
      const state = test.result().state
      if (state === 'passed') passed++
      else if (state === 'failed') failedHere++
      else skipped++
    }
    if (testModule.state() === 'failed' && failedHere === 0) failedHere = 1
    failed += failedHere
  }
  failed += unhandledErrors.length
  return `tests: ${String(passed)} passed, ${String(failed)} failed, ${String(skipped)} skipped`
}

export default class ClosingLineReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
  ): void {
    process.stdout.write(`\n${closingLine(testModules, unhandledErrors)}\n`)
  }
}
