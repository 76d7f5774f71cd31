// CPU time and memory of a target process and its descendants, read from /proc (proc(5)):
// utime + stime in clock ticks from /proc/<pid>/stat, VmRSS from /proc/<pid>/status. LiteLLM
// serves from worker processes, so a target's cost is the sum over its process tree.
import { readdirSync, readFileSync } from 'node:fs'

// sysconf(_SC_CLK_TCK) is 100 on every Linux architecture Node supports.
const ticksPerSecond = 100

interface StatLine {
  ppid: number
  cpuTicks: number
}

function readStat(pid: number): StatLine | undefined {
  try {
    const text = readFileSync(`/proc/${String(pid)}/stat`, 'utf8')
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
    // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
    return { ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]) }
  } catch {
    return undefined
  }
}

/** The pid and every live descendant of it. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>()
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry)
    if (!Number.isInteger(pid)) continue
    const stat = readStat(pid)
    if (stat === undefined) continue
    children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), pid])
  }
  const tree: number[] = []
  const queue = [root]
  while (queue.length > 0) {
    const pid = queue.shift() ?? root
    tree.push(pid)
    queue.push(...(children.get(pid) ?? []))
  }
  return tree
}

/** CPU seconds (user + system) used so far by these processes. */
export function cpuSeconds(pids: readonly number[]): number {
  let ticks = 0
  for (const pid of pids) ticks += readStat(pid)?.cpuTicks ?? 0
  return ticks / ticksPerSecond
}

function statusKilobytes(pid: number, field: string): number {
  try {
    const text = readFileSync(`/proc/${String(pid)}/status`, 'utf8')
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)
    return Number(match?.[1] ?? 0)
  } catch {
    return 0
  }
}

/** Resident memory now, in MiB, summed over the processes. */
export function rssMebibytes(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + statusKilobytes(pid, 'VmRSS'), 0) / 1024
}

/** The kernel's own peak resident memory (VmHWM) since each process started, in MiB. */
export function peakRssMebibytes(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + statusKilobytes(pid, 'VmHWM'), 0) / 1024
}

/** Samples RSS while a run goes on; `stop()` returns the largest sample. */
export function sampleRss(pids: readonly number[], everyMs = 100): { stop(): number } {
  let peak = rssMebibytes(pids)
  const timer = setInterval(() => {
    peak = Math.max(peak, rssMebibytes(pids))
  }, everyMs)
  return {
    stop() {
      clearInterval(timer)
      return Math.max(peak, rssMebibytes(pids))
    },
  }
}
