// What the figures were measured on, for the report: CPU model and count, memory, kernel, Node,
// wrk, and the load average (on a shared machine it says how much to trust the run).
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { availableParallelism, loadavg, release } from 'node:os'

function firstMatch(path: string, pattern: RegExp): string {
  try {
    return pattern.exec(readFileSync(path, 'utf8'))?.[1]?.trim() ?? 'unknown'
  } catch {
    return 'unknown'
  }
}

function wrkVersion(): string {
  try {
    execFileSync('wrk', ['-v'], { stdio: 'pipe' })
    return 'unknown'
  } catch (error) {
    // wrk -v prints its version and exits 1.
    const output = (error as { stdout?: Buffer }).stdout?.toString() ?? ''
    return /wrk (\S+)/.exec(output)?.[1] ?? 'unknown'
  }
}

export function describeMachine(): string {
  const memoryKib = Number(firstMatch('/proc/meminfo', /^MemTotal:\s+(\d+)/m))
  return [
    `- CPU: ${firstMatch('/proc/cpuinfo', /^model name\s*:\s*(.+)$/m)}, ${String(availableParallelism())} CPUs (\`nproc\`)`,
    `- memory: ${(memoryKib / 1024 / 1024).toFixed(1)} GiB; Linux ${release()}`,
    `- Node ${process.version}; wrk ${wrkVersion()}`,
    `- load average at the start: ${loadavg()
      .map((value) => value.toFixed(2))
      .join(', ')}`,
  ].join('\n')
}
