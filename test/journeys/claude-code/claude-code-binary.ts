// Where Claude Code's binary lives: test/claude-code-env.sh is the one place that names it
// (test/setup-claude-code.sh installs it), so ask bash rather than repeat the path.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const repoRoot = new URL('../../../', import.meta.url).pathname

/** The `claude` executable, or an Error that says how to get it. */
export function claudeCodeBinary(env: NodeJS.ProcessEnv = process.env): string {
  const binary = execFileSync(
    'bash',
    ['-c', 'source test/claude-code-env.sh && printf %s "$CLAUDE_CODE_BIN"'],
    { cwd: repoRoot, encoding: 'utf8', env },
  )
  if (!existsSync(binary)) {
    throw new Error(
      `Claude Code is missing (${binary}). Run \`make setup\` (it runs test/setup-claude-code.sh), then run this test again.`,
    )
  }
  return binary
}
