// The operator's flags, each written once: its name, environment variable, schema and help text
// live in one entry of `flags`, and the parseArgs options, the env fallback, the validation and
// the usage text are all derived from that table. A flag wins over its environment variable.
// Pure: main.ts hands in argv and env and decides what to do with an error.
import { parseArgs } from 'node:util'
import { z } from 'zod'

interface FlagMeta {
  env: string
  help: string
  /** The value's placeholder in the usage text; absent for a switch (true/false). */
  value?: string
}

const registry = z.registry<FlagMeta>()

/** A whole number in [min, max], given as text on the command line or in the environment. */
const whole = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `must be a whole number from ${String(min)} to ${String(max)}`)
    .transform(Number)
    .pipe(
      z
        .int()
        .min(min, `must be at least ${String(min)}`)
        .max(max, `must be at most ${String(max)}`),
    )

/** A switch: `--x`, `--no-x`, `--x=true|false`, or the env var set to true or false. */
const onOff = z.union([
  z.boolean(),
  z.enum(['true', 'false'], 'must be true or false').transform((value) => value === 'true'),
])

const flags = {
  kubeconfig: z.string().min(1).optional().register(registry, {
    env: 'STRATA_KUBECONFIG',
    value: 'FILE',
    help: 'kubeconfig to use; without it, $KUBECONFIG, ~/.kube/config, then the in-cluster ServiceAccount',
  }),
  namespace: z.string().min(1).default('strata-system').register(registry, {
    env: 'POD_NAMESPACE',
    value: 'NS',
    help: 'namespace of the leader Lease and the routing-table ConfigMap',
  }),
  'gateway-url': z.url().optional().register(registry, {
    env: 'STRATA_GATEWAY_URL',
    value: 'URL',
    help: 'OPENAI_BASE_URL written into each credentials Secret; without it, http://strata-gateway.<namespace>.svc/v1',
  }),
  'metrics-port': whole(0, 65_535).default(8080).register(registry, {
    env: 'STRATA_METRICS_PORT',
    value: 'N',
    help: 'port of /metrics, /healthz and /readyz; 0 for any free one',
  }),
  'leader-elect': onOff.default(true).register(registry, {
    env: 'STRATA_LEADER_ELECT',
    help: 'run the controllers only while holding the Lease; --leader-elect=false for a single replica',
  }),
  // A requeue is a timer, and Node's timers cannot wait longer than 24.8 days; a day is plenty.
  'resync-seconds': whole(1, 86_400).default(300).register(registry, {
    env: 'STRATA_RESYNC_SECONDS',
    value: 'N',
    help: 'how often each BedrockProject is reconciled without a change, to repair drift',
  }),
  'prometheus-url': z.url().optional().register(registry, {
    env: 'STRATA_PROMETHEUS_URL',
    value: 'URL',
    help: 'Prometheus HTTP API that ModelRoute rollouts read their gates from; without it, rollouts do not start',
  }),
  'key-grace-seconds': whole(0, 31_536_000).default(3600).register(registry, {
    env: 'STRATA_KEY_GRACE_SECONDS',
    value: 'N',
    help: 'how long a rotated-out client key keeps working',
  }),
}

const configSchema = z.object(flags)
export type OperatorConfig = z.infer<typeof configSchema>

// The table every other part derives from, read once.
const table = Object.entries(flags).map(([name, schema]) => {
  const meta = registry.get(schema)
  if (!meta) throw new Error(`flag --${name} is not registered`)
  const fallback = schema.safeParse(undefined)
  return {
    name,
    ...meta,
    isSwitch: meta.value === undefined,
    shownDefault: fallback.success && fallback.data !== undefined ? String(fallback.data) : '',
  }
})
const byName = new Map(table.map((flag) => [flag.name, flag]))

/** What --help prints. */
export function usage(): string {
  const lines = table.map((flag) => {
    const left = `--${flag.name}${flag.value ? ` ${flag.value}` : ''}`
    const shown = flag.shownDefault ? `; default ${flag.shownDefault}` : ''
    return `  ${left.padEnd(26)}${flag.help} (env ${flag.env}${shown})`
  })
  return `usage: strata-operator [flags]\n${lines.join('\n')}\n  ${'--help'.padEnd(26)}this text\n`
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError'
}

// parseArgs takes no value on a boolean option, so `--leader-elect=false` (the Kubernetes
// components' spelling) is rewritten to the negated form it does accept.
function normalise(argv: readonly string[]): string[] {
  return argv.map((arg) => {
    const match = /^--([a-z-]+)=(.*)$/.exec(arg)
    const name = match?.[1] ?? ''
    if (!match || byName.get(name)?.isSwitch !== true) return arg
    if (match[2] === 'true') return `--${name}`
    if (match[2] === 'false') return `--no-${name}`
    throw new ConfigError(`--${name} must be true or false; got "${match[2] ?? ''}"`)
  })
}

/** The configuration, or 'help'; a ConfigError names the flag (and its env var) that is wrong. */
export function parseOperatorConfig(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): OperatorConfig | 'help' {
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({
      args: normalise(argv),
      options: {
        ...Object.fromEntries(
          table.map((flag) => [flag.name, { type: flag.isSwitch ? 'boolean' : 'string' } as const]),
        ),
        help: { type: 'boolean' },
      },
      allowNegative: true,
      strict: true,
    }).values
  } catch (error) {
    if (error instanceof ConfigError) throw error
    throw new ConfigError(error instanceof Error ? error.message : String(error))
  }
  if (values['help'] === true) return 'help'
  const raw = Object.fromEntries(
    table.map((flag) => [flag.name, values[flag.name] ?? env[flag.env]]),
  )
  const parsed = configSchema.safeParse(raw)
  if (parsed.success) return parsed.data
  const problems = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '')
    const given = raw[name]
    const from =
      values[name] !== undefined ? `--${name}` : `${byName.get(name)?.env ?? ''} (--${name})`
    return `${from} ${issue.message}; got "${String(given)}"`
  })
  throw new ConfigError(problems.join('\n'))
}
