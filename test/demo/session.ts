// What both demos share: numbered steps with the time since start, and one shutdown that stops
// what was started, newest first, on Ctrl-C, on failure or at the end of a STRATA_DEMO_EXIT run.
export const print = (text: string): void => {
  process.stdout.write(text)
}

const began = Date.now()
export const step = (message: string): void => {
  print(`\n==> [${((Date.now() - began) / 1000).toFixed(1)}s] ${message}\n`)
}

const stops: { name: string; stop: () => Promise<void> }[] = []
let stopping = false

/** Registers something to stop at shutdown. */
export function onShutdown(name: string, stop: () => Promise<void>): void {
  stops.push({ name, stop })
}

export async function shutdown(code = 0): Promise<never> {
  if (!stopping) {
    stopping = true
    step('stopping everything')
    for (const { name, stop } of stops.reverse()) {
      const from = Date.now()
      await stop()
      print(`stopped ${name} (${((Date.now() - from) / 1000).toFixed(1)}s)\n`)
    }
  }
  process.exit(code)
}

process.on('SIGINT', () => void shutdown())
process.on('SIGTERM', () => void shutdown())

/** Runs the demo; a failure is printed and everything stopped. */
export async function runDemo(demo: () => Promise<string>): Promise<void> {
  try {
    const tryIt = await demo()
    if (process.env['STRATA_DEMO_EXIT']) await shutdown()
    step(`running. Try it:\n${tryIt}\nCtrl-C stops everything.`)
    setInterval(() => undefined, 1 << 30)
  } catch (error) {
    process.stderr.write(
      `demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    )
    await shutdown(1)
  }
}
