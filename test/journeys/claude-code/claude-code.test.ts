// Claude Code itself, headless (`claude -p`), pointed at strata-gateway with ANTHROPIC_BASE_URL and
// the project's key in ANTHROPIC_API_KEY, with non-essential traffic off: no network but the
// gateway. The emulated Claude asks for the Read tool on a file in a temporary directory; Claude
// Code must run the tool, send its result back (the tool-result turn) and print the final answer,
// which the emulated Claude builds from that result. The requests it sent are checked for the
// shapes the gateway must pass through: streaming, tools, system prompt with cache_control.
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_KEY, journeyTable, startJourney, type Journey } from '../../support/journey.ts'
import { claudeCodeBinary } from './claude-code-binary.ts'

const run = promisify(execFile)
const SONNET = 'us.anthropic.claude-sonnet-4-6'
const HAIKU = 'us.anthropic.claude-haiku-4-5-20251001-v1:0'

// The aliases are the names Claude Code sends (docs/claude-code.md).
function table(): unknown {
  const base = journeyTable() as { projects: { routes: unknown[] }[] }
  const route = (model: string, modelId: string) => ({
    name: model,
    namespace: 'default',
    model,
    backends: [{ kind: 'converse', modelId, region: 'us-east-1' }],
  })
  base.projects[0]?.routes.push(
    route('claude-sonnet-4-6', SONNET),
    route('claude-haiku-4-5', HAIKU),
  )
  return base
}

let journey: Journey
let workspace: string
let home: string

beforeAll(async () => {
  journey = await startJourney('claude-code', { table: table() })
  workspace = await mkdtemp(join(tmpdir(), 'strata-claude-code-'))
  home = await mkdtemp(join(tmpdir(), 'strata-claude-home-'))
})

afterAll(async () => {
  await journey.stop()
  await rm(workspace, { recursive: true, force: true })
  await rm(home, { recursive: true, force: true })
})

interface StreamLine {
  type: string
  subtype?: string
  result?: string
  is_error?: boolean
  message?: { content?: { type: string; name?: string; content?: unknown }[] }
  tool_use_result?: { file?: { filePath?: string; content?: string } }
}

describe('Claude Code through the gateway', () => {
  it('reads a file with its Read tool and prints the answer built from it', async () => {
    const claude = claudeCodeBinary()
    const note = join(workspace, 'note.txt')
    await writeFile(note, 'The secret word is PINEAPPLE.\n')
    // Only the main model's first turn is scripted; its second turn echoes the tool result.
    await journey.bedrock.script({
      match: { modelId: SONNET },
      scenario: {
        reply: {
          text: 'Let me read it.',
          toolCalls: [{ name: 'Read', input: { file_path: note } }],
        },
      },
    })
    const { stdout } = await run(
      claude,
      [
        '-p',
        'What is the secret word in note.txt?',
        '--model',
        'claude-sonnet-4-6',
        '--allowedTools',
        'Read',
        '--output-format',
        'stream-json',
        '--verbose',
      ],
      {
        cwd: workspace,
        timeout: 120_000,
        maxBuffer: 16 * 1024 * 1024,
        env: {
          PATH: process.env['PATH'],
          HOME: home,
          // Claude Code keeps sockets and scratch files under TMPDIR: inside what afterAll removes.
          TMPDIR: home,
          ANTHROPIC_BASE_URL: journey.gateway.url,
          ANTHROPIC_API_KEY: DEMO_KEY,
          ANTHROPIC_DEFAULT_HAIKU_MODEL: 'claude-haiku-4-5',
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
          DISABLE_AUTOUPDATER: '1',
        },
      },
    )
    const lines = stdout
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as StreamLine)
    const toolRuns = lines.filter((line) => line.tool_use_result?.file !== undefined)
    expect(toolRuns.map((line) => line.tool_use_result?.file?.filePath)).toEqual([note])
    const result = lines.find((line) => line.type === 'result')
    expect(result).toMatchObject({ subtype: 'success', is_error: false })
    expect(result?.result).toContain('PINEAPPLE')

    const requests = (await journey.bedrock.requests()).filter((request) =>
      request.operation.startsWith('invoke-model'),
    )
    const main = requests.filter((request) => request.modelId === SONNET)
    expect(main.map((request) => request.operation)).toEqual([
      'invoke-model-stream',
      'invoke-model-stream',
    ])
    const [first, second] = main.map((request) => request.body as Record<string, unknown>)
    // What Claude Code sends reaches Bedrock in Bedrock's form: no model or stream keys, its
    // tools and its system prompt (with cache_control) as sent.
    expect(first).toMatchObject({ anthropic_version: 'bedrock-2023-05-31' })
    expect(first).not.toHaveProperty('model')
    expect(first).not.toHaveProperty('stream')
    expect(JSON.stringify(first?.['tools'])).toContain('"name":"Read"')
    expect(JSON.stringify(first?.['system'])).toContain('cache_control')
    const turns = second?.['messages'] as { role: string; content: unknown }[]
    expect(JSON.stringify(turns.at(-1)?.content)).toContain('"type":"tool_result"')
    // The record the issue asks for: what Claude Code sends, and what the gateway left out.
    const dropped = (await journey.gateway.log())
      .split('\n')
      .filter((line) => line.includes('not honoured by the backend'))
    const announced = dropped.map((line) => (JSON.parse(line) as { dropped: string[] }).dropped)
    // Claude Code's own first-party flag has no meaning on Bedrock: dropped, and said so.
    expect(announced[0]).toContain('anthropic-beta: claude-code-20250219')
    console.log('The gateway dropped:', JSON.stringify(announced[0]))
    console.log(
      'Claude Code sent:',
      JSON.stringify(
        requests.map((request) => ({
          operation: request.operation,
          modelId: request.modelId,
          keys: Object.keys(request.body as object).sort(),
          anthropic_beta: (request.body as Record<string, unknown>)['anthropic_beta'],
        })),
      ),
    )
  })
})
