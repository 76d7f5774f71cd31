// `make demo`: the whole system on one machine, offline, with the Bedrock emulator standing in
// for AWS. On a machine that can run a node, Strata runs as pods from its images (pods-demo.ts);
// elsewhere the same chart is installed and its two programs run as processes (process-demo.ts).
// Ctrl-C stops everything.
import { nodeUnsupportedReason } from '../control-plane/node-host.ts'
import { podsDemo } from './pods-demo.ts'
import { processDemo } from './process-demo.ts'
import { print, runDemo } from './session.ts'

const unsupported = nodeUnsupportedReason()
if (unsupported)
  print(`No node can run here (${unsupported}): the demo runs the operator and the gateway as
processes instead of pods.\n`)
await runDemo(unsupported ? processDemo : podsDemo)
