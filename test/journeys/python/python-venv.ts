// Where the Python venvs with the official `openai` and `anthropic` clients live: test/python-env.sh is the one
// place that names it (test/setup-python.sh builds it), so ask bash rather than repeat the path.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

const repoRoot = new URL('../../../', import.meta.url).pathname

/** The venv's python, or an Error that says how to get it. */
export function openaiPython(env: NodeJS.ProcessEnv = process.env): string {
  const venv = execFileSync(
    'bash',
    ['-c', 'source test/python-env.sh && printf %s "$OPENAI_PY_VENV"'],
    { cwd: repoRoot, encoding: 'utf8', env },
  )
  const python = join(venv, 'bin', 'python')
  if (!existsSync(join(venv, '.installed')) || !existsSync(python)) {
    throw new Error(
      `The Python venv with the official openai client is missing (${venv}). Run \`make setup\` (it runs test/setup-python.sh), then run this test again.`,
    )
  }
  return python
}

/** The venv's python with the official `anthropic` client, or an Error that says how to get it. */
export function anthropicPython(env: NodeJS.ProcessEnv = process.env): string {
  const venv = execFileSync(
    'bash',
    ['-c', 'source test/python-env.sh && printf %s "$ANTHROPIC_PY_VENV"'],
    { cwd: repoRoot, encoding: 'utf8', env },
  )
  const python = join(venv, 'bin', 'python')
  if (!existsSync(join(venv, '.installed')) || !existsSync(python)) {
    throw new Error(
      `The Python venv with the official anthropic client is missing (${venv}). Run \`make setup\` (it runs test/setup-python.sh), then run this test again.`,
    )
  }
  return python
}
