// docs/error-codes.md, rendered from the error catalogue (gateway/src/errors/catalogue.ts):
// `npm run generate -w gateway` writes it (formatted as prettier --check wants it), and `make check`
// fails when the committed page differs.
import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { format, resolveConfig } from 'prettier'
import {
  errorCatalogue,
  passedThroughErrors,
  type CatalogueEntry,
} from '../src/errors/catalogue.ts'

const cell = (text: string): string => text.replaceAll('|', '\\|')

export function errorCodesPage(): string {
  const entries: [string, CatalogueEntry][] = Object.entries(errorCatalogue)
  const rows = entries.map(
    ([name, entry]) =>
      `| \`${name}\` | ${entry.status} | \`${entry.type}\` | ${entry.code === null ? '(none)' : `\`${entry.code}\``} | ${cell(entry.when)} |`,
  )
  const passed = Object.entries(passedThroughErrors).map(
    ([name, when]) => `| \`${name}\` | ${cell(when)} |`,
  )
  return [
    '# Error codes',
    '',
    '<!-- Generated from gateway/src/errors/catalogue.ts by gateway/tools/error-codes-doc.ts; do not edit. -->',
    '',
    "Every error the gateway answers with has OpenAI's shape,",
    '`{"error":{"message","type","param","code"}}`, with the status below; mid-stream it is one error',
    'event of the same shape. A name is the catalogue entry in the code; clients see `status`, `type`',
    "and `code`. Several entries share one of OpenAI's own codes (`rate_limit_exceeded`,",
    "`insufficient_quota`, `model_not_found`) because OpenAI's SDKs and clients key on them.",
    '',
    '| name | status | type | code | when |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    "## Errors whose status is not the gateway's",
    '',
    '| name | when |',
    '| --- | --- |',
    ...passed,
    '',
  ].join('\n')
}

if (import.meta.main) {
  const path = resolve(import.meta.dirname, '../../docs/error-codes.md')
  const options = (await resolveConfig(path)) ?? {}
  writeFileSync(path, await format(errorCodesPage(), { ...options, filepath: path }))
}
