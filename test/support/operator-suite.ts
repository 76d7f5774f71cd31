// The set-up the operator's cluster tests share: a system namespace for the operator and a team
// namespace for the objects (named after the test, with a suffix so runs never meet), the CRDs,
// a work directory, the Bedrock emulator and strata-operator as processes, and the clean-up that
// stops them and deletes both namespaces. Each test passes what is its own (operator flags, the
// kubeconfig the operator uses) and does its own further set-up around start() and stop().
import { decodeTableConfigMap, ROUTING_TABLE_CONFIG_MAP, type RoutingTable } from '@strata/crds'
import { installCrds } from './crds.ts'
import { clusterClients } from './kube.ts'
import {
  makeWorkDirectory,
  startEmulatorProcess,
  startOperatorProcess,
  type RunningProcess,
} from './processes.ts'

export interface OperatorStartOptions {
  /** strata-operator flags beyond the kubeconfig, namespace and metrics port. */
  extraArgs?: string[]
  /**
   * The kubeconfig the operator runs with, made once the namespaces and the work directory exist;
   * by default the test's own (cluster-admin) kubeconfig.
   */
  operatorKubeconfig?: () => Promise<string>
}

export function operatorSuite(name: string, kubeconfig: string) {
  const clients = clusterClients(kubeconfig)
  const { config, core } = clients
  const suffix = Date.now().toString(36)
  const system = `strata-${name}-${suffix}`
  const team = `team-${name}-${suffix}`
  const state: { workDirectory?: string; emulator?: RunningProcess; operatorKubeconfig?: string } =
    {}
  // Every operator process the suite started, the current one last: stop() stops them all.
  const operators: RunningProcess[] = []
  // Reading what start() makes before it made it is a mistake in the test: say so, not crash.
  const made = <T>(value: T | undefined, what: string): T => {
    if (value === undefined)
      throw new Error(`the ${name} suite has no ${what} yet: call start() in beforeAll`)
    return value
  }

  /** Another strata-operator on the same namespaces and emulator; it becomes `operator`. */
  async function startOperator(extraArgs: string[] = []): Promise<RunningProcess> {
    const workDirectory = made(state.workDirectory, 'work directory')
    const operator = await startOperatorProcess({
      workDirectory,
      kubeconfig: made(state.operatorKubeconfig, 'operator kubeconfig'),
      namespace: system,
      emulatorUrl: made(state.emulator, 'emulator').url,
      extraArgs,
    })
    operators.push(operator)
    return operator
  }

  return {
    ...clients,
    suffix,
    system,
    team,
    get workDirectory() {
      return made(state.workDirectory, 'work directory')
    },
    get emulator() {
      return made(state.emulator, 'emulator')
    },
    /** The operator started last. */
    get operator() {
      return made(operators.at(-1), 'operator')
    },
    startOperator,

    /** The routing table the operator published in the system namespace, decoded. */
    async publishedTable(): Promise<RoutingTable> {
      const configMap = await core.readNamespacedConfigMap({
        name: ROUTING_TABLE_CONFIG_MAP,
        namespace: system,
      })
      const decoded = decodeTableConfigMap(configMap)
      if (!decoded.ok) throw new Error(`the routing table in ${system}: ${decoded.error}`)
      return decoded.table
    },

    async start(options: OperatorStartOptions = {}): Promise<void> {
      await installCrds(config)
      await core.createNamespace({ body: { metadata: { name: system } } })
      await core.createNamespace({ body: { metadata: { name: team } } })
      state.workDirectory = await makeWorkDirectory(name)
      state.emulator = await startEmulatorProcess(state.workDirectory)
      state.operatorKubeconfig = (await options.operatorKubeconfig?.()) ?? kubeconfig
      await startOperator(options.extraArgs)
    },

    /** Stops what the suite started, even if start() failed halfway, and deletes both namespaces. */
    async stop(): Promise<void> {
      for (const operator of [...operators].reverse()) await operator.stop()
      await state.emulator?.stop()
      await core.deleteNamespace({ name: team }).catch(() => undefined)
      await core.deleteNamespace({ name: system }).catch(() => undefined)
    },
  }
}
