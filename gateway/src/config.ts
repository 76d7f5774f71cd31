// The gateway's configuration, each setting written once: its flag, environment variable, schema
// and help text. The parseArgs options, the env reading, the zod object and the usage text are all
// derived from the table below, so a new flag is one entry. Flags win over env; every value is
// validated, and a bad one is named by its flag and variable.
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { defaultAppOptions } from './app-deps.ts'

/** A whole number from a flag or env (always text there), with the bounds named when broken. */
function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER) {
  return z
    .string()
    .trim()
    .regex(/^\d+$/, { error: 'must be a whole number' })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { error: `must be at least ${min}` })
        .max(max, { error: `must be at most ${max}` }),
    )
}

interface Setting<S extends z.ZodType> {
  flag: string
  env: string
  /** What the flag takes, for the usage text; booleans take nothing. */
  value?: string
  schema: S
  help: string
}

const text = (flag: string, env: string, value: string, help: string) => ({
  flag,
  env,
  value,
  help,
  schema: z.string().min(1).optional(),
})

const toggle = (flag: string, env: string, defaultValue: boolean, help: string) => ({
  flag,
  env,
  help,
  schema: z.boolean().default(defaultValue),
})

const settings = {
  routesFile: text(
    'routes',
    'STRATA_ROUTES_FILE',
    'FILE',
    'the routing table (JSON), reloaded when it changes.',
  ),
  routesConfigMap: {
    flag: 'routes-configmap',
    env: 'STRATA_ROUTES_CONFIGMAP',
    value: 'NS/NAME',
    help: "in-cluster mode: watch the table the operator publishes in this ConfigMap. Uses the pod's ServiceAccount, or the three --kube-* flags when running outside a cluster.",
    schema: z
      .string()
      .regex(/^[a-z0-9-]+\/[a-z0-9.-]+$/, 'must be NAMESPACE/NAME')
      .optional(),
  },
  kubeApi: {
    flag: 'kube-api',
    env: 'STRATA_KUBE_API',
    value: 'URL',
    help: 'the Kubernetes API server, outside a cluster.',
    schema: z.url().optional(),
  },
  kubeTokenFile: text(
    'kube-token-file',
    'STRATA_KUBE_TOKEN_FILE',
    'FILE',
    'a token allowed to get/list/watch the ConfigMap, outside a cluster.',
  ),
  kubeCaFile: text(
    'kube-ca-file',
    'STRATA_KUBE_CA_FILE',
    'FILE',
    "the API server's CA, outside a cluster.",
  ),
  port: {
    flag: 'port',
    env: 'STRATA_LISTEN_PORT',
    value: 'N',
    help: 'listen port, 0 for any free one (default 8080).',
    schema: wholeNumber(0, 65_535).default(8080),
  },
  host: {
    flag: 'host',
    env: 'STRATA_LISTEN_HOST',
    value: 'H',
    help: 'listen address (default 127.0.0.1; 0.0.0.0 in a container).',
    schema: z.string().min(1).default('127.0.0.1'),
  },
  drainTimeoutMs: {
    flag: 'drain-timeout',
    env: 'STRATA_DRAIN_TIMEOUT_MS',
    value: 'MS',
    help: "how long a stop may take from SIGTERM, delay included; requests still in flight then are cut (default 25000, inside Kubernetes' default 30 s grace period).",
    schema: wholeNumber(0).default(25_000),
  },
  shutdownDelayMs: {
    flag: 'shutdown-delay-ms',
    env: 'STRATA_SHUTDOWN_DELAY_MS',
    value: 'MS',
    help: 'after SIGTERM, /readyz fails at once but the gateway keeps serving new connections this long before it drains, while a Service removes the pod from its endpoints (default 5000 with --routes-configmap, 0 with --routes).',
    schema: wholeNumber(0).optional(),
  },
  maxBodyBytes: {
    flag: 'max-body-bytes',
    env: 'STRATA_MAX_BODY_BYTES',
    value: 'N',
    help: 'largest request body (default 20 MiB).',
    schema: wholeNumber(1).default(defaultAppOptions.maxBodyBytes),
  },
  maxInFlight: {
    flag: 'max-in-flight',
    env: 'STRATA_MAX_IN_FLIGHT',
    value: 'N',
    help: 'model requests (streams until their end) one process works on at once; more are refused at once with 503 overloaded and Retry-After, so a pod past its capacity stays fast for those it admits; 0 for no bound (default 1024; set it a few times the autoscaling target per replica).',
    schema: wholeNumber(0).default(1024),
  },
  shedLoopDelayMs: {
    flag: 'shed-loop-delay-ms',
    env: 'STRATA_SHED_LOOP_DELAY_MS',
    value: 'MS',
    help: 'experimental: while the event loop runs this late on average (smoothed over about a second), lower the limit on model requests in flight and refuse the excess with 503 overloaded and Retry-After, so a process short of CPU answers the excess at once instead of slowing every stream; 0 for never (default 0).',
    schema: wholeNumber(0, 60_000).default(0),
  },
  keepAliveMs: {
    flag: 'keep-alive-ms',
    env: 'STRATA_KEEP_ALIVE_MS',
    value: 'MS',
    help: 'SSE comment sent whenever a stream is silent this long, also before its first event (default 15000, under the 60 s idle timeout of common load balancers).',
    schema: wholeNumber(10, 600_000).default(defaultAppOptions.keepAliveMs),
  },
  serviceAccountAuth: toggle(
    'service-account-auth',
    'STRATA_SERVICE_ACCOUNT_AUTH',
    false,
    "also accept Kubernetes ServiceAccount tokens (audience strata) as API keys, verified with TokenReview and mapped to projects by their access lists. Needs the pod's ServiceAccount (or the --kube-* flags) allowed to create tokenreviews.",
  ),
  fetchImageUrls: toggle(
    'fetch-image-urls',
    'STRATA_FETCH_IMAGE_URLS',
    false,
    'fetch https image URLs for Converse (off: only data URLs). Enable only where egress is restricted.',
  ),
  priceTableFile: text(
    'price-table',
    'STRATA_PRICE_TABLE',
    'FILE',
    'prices for gen_ai_client_cost_usd_total and the access log (JSON, docs/metrics.md). Adds to the built-in Bedrock on-demand prices unless the file says "replaceDefaults": true.',
  ),
  accessLog: toggle(
    'access-log',
    'STRATA_ACCESS_LOG',
    true,
    'a JSON access line per request on stdout (on by default; --no-access-log turns it off).',
  ),
  logContent: toggle(
    'log-content',
    'STRATA_LOG_CONTENT',
    false,
    'add the prompt and the answer text, truncated, to the access log (off by default: prompts may hold personal data).',
  ),
  redisUrl: {
    flag: 'redis-url',
    env: 'STRATA_REDIS_URL',
    value: 'URL',
    help: 'Redis shared by all replicas for rate limits and budgets. Without it, limits are held per replica.',
    schema: z.url({ protocol: /^rediss?$/ }).optional(),
  },
  redisTimeoutMs: {
    flag: 'redis-timeout-ms',
    env: 'STRATA_REDIS_TIMEOUT_MS',
    value: 'MS',
    help: 'how long a limit check or settlement waits for Redis before this replica counts on its own share instead (default 250).',
    schema: wholeNumber(1).default(250),
  },
  replicasService: {
    flag: 'replicas-service',
    env: 'STRATA_REPLICAS_SERVICE',
    value: 'NS/NAME',
    help: "the gateway's own Service: while limits are counted per replica (no Redis, or Redis down) each replica enforces limit / N, N the Service's ready endpoints, re-read from its EndpointSlices every 5 s. Uses the pod's ServiceAccount (list endpointslices), or the --kube-* flags outside a cluster.",
    schema: z
      .string()
      .regex(/^[a-z0-9-]+\/[a-z0-9.-]+$/, 'must be NAMESPACE/NAME')
      .optional(),
  },
  replicasHint: {
    flag: 'replicas-hint',
    env: 'STRATA_REPLICAS_HINT',
    value: 'N',
    help: 'a fixed count of replicas sharing each limit, where there is no Service to count (outside Kubernetes); not with --replicas-service (default: the count Redis last saw, else 1).',
    schema: wholeNumber(1).optional(),
  },
} satisfies Record<string, Setting<z.ZodType>>

type SettingName = keyof typeof settings
const names = Object.keys(settings) as SettingName[]

const routesRequired =
  'the routing table is required: --routes FILE (standalone) or --routes-configmap NS/NAME (in-cluster)'

const configSchema = z
  .object({
    ...(Object.fromEntries(names.map((name) => [name, settings[name].schema])) as {
      [K in SettingName]: (typeof settings)[K]['schema']
    }),
    /** What the AWS client configuration reads; passed through, never read elsewhere. */
    env: z.custom<NodeJS.ProcessEnv>(),
  })
  .refine(
    (config) => (config.routesFile === undefined) !== (config.routesConfigMap === undefined),
    { message: routesRequired },
  )
  .refine((config) => config.replicasHint === undefined || config.replicasService === undefined, {
    message:
      '--replicas-hint and --replicas-service both say how many replicas share each limit: give one',
  })

export type ServerConfig = z.infer<typeof configSchema>

const width = 100
const indent = 23

// One setting's lines: the flag, then its help wrapped beside it (below it when the flag is long).
function wrap(help: string, head: string): string[] {
  const lines: string[] = []
  const margin = ' '.repeat(indent)
  let line = margin
  if (head.length < indent - 1) line = head.padEnd(indent)
  else lines.push(head)
  let empty = true
  for (const word of help.split(' ')) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line)
      line = margin
      empty = true
    }
    line += (empty ? '' : ' ') + word
    empty = false
  }
  lines.push(line)
  return lines
}

/** The usage text, from the settings. */
export function usageText(): string {
  const lines = [
    'usage: strata-gateway (--routes FILE | --routes-configmap NS/NAME) [--port N] [--host H] …',
    '',
  ]
  for (const name of names) {
    const setting: Setting<z.ZodType> = settings[name]
    const head = `  --${setting.flag}${setting.value === undefined ? '' : ` ${setting.value}`}`
    const isToggle = setting.value === undefined
    const env = isToggle ? `${setting.env}=true|false` : setting.env
    lines.push(...wrap(`${setting.help} Env ${env}.`, head))
  }
  lines.push(
    '',
    "AWS: the region comes from each route's backend; credentials from the default chain (env, IRSA,",
    'Pod Identity, IMDS) or AWS_BEARER_TOKEN_BEDROCK; AWS_ENDPOINT_URL_BEDROCK_RUNTIME and',
    'AWS_ENDPOINT_URL_BEDROCK_MANTLE override the endpoints.',
  )
  return lines.join('\n')
}

// A toggle set in env is on when its default is off and it says `true`, and off when its default
// is on and it says `false`.
function fromEnv(name: SettingName, raw: string | undefined): string | boolean | undefined {
  const setting: Setting<z.ZodType> = settings[name]
  if (setting.value !== undefined || raw === undefined) return raw
  const defaultValue: unknown = setting.schema.parse(undefined)
  return defaultValue === true ? raw !== 'false' : raw === 'true'
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const [key] = issue.path
  if (typeof key !== 'string' || !(key in settings)) return issue.message
  const setting: Setting<z.ZodType> = settings[key as SettingName]
  return `--${setting.flag} (${key}, env ${setting.env}): ${issue.message}`
}

/** Flags win over env; both are validated, and a bad value names itself. */
export function parseServerConfig(argv: string[], env: NodeJS.ProcessEnv): ServerConfig {
  const options: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } }
  for (const name of names) {
    const setting: Setting<z.ZodType> = settings[name]
    options[setting.flag] = { type: setting.value === undefined ? 'boolean' : 'string' }
  }
  const { values } = parseArgs({ args: argv, options, strict: true, allowNegative: true })
  if (values['help'] === true) throw new Error(usageText())
  const input: Record<string, unknown> = { env }
  for (const name of names) {
    const setting: Setting<z.ZodType> = settings[name]
    input[name] = values[setting.flag] ?? fromEnv(name, env[setting.env])
  }
  const result = configSchema.safeParse(input)
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `✖ ${describeIssue(issue)}`).join('\n')
    throw new Error(`${problems}\n\n${usageText()}`)
  }
  return result.data
}

/** Behind a Service (in-cluster mode) endpoints need a few seconds to drop a stopping pod. */
export function shutdownDelayOf(config: ServerConfig): number {
  const delay = config.shutdownDelayMs ?? (config.routesConfigMap === undefined ? 0 : 5_000)
  return Math.min(delay, config.drainTimeoutMs)
}
