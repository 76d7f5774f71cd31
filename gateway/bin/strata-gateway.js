#!/usr/bin/env node
// strata-gateway: the OpenAI-compatible gateway in front of Amazon Bedrock. Node 24 runs the
// TypeScript sources directly, so there is no build step.
import { main } from '../src/server.ts'

await main(process.argv.slice(2), process.env)
