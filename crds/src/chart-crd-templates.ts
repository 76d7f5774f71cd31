// The CRDs as Helm templates for charts/strata. Helm never upgrades CRDs kept in a chart's crds/
// directory (https://helm.sh/docs/chart_best_practices/custom_resource_definitions/), so the chart
// carries them in templates/: they then upgrade with the release, can be switched off
// (`crds.install`) and are kept on uninstall (`crds.keep`, the helm.sh/resource-policy annotation)
// so deleting the release never deletes every BedrockProject in the cluster. Pure: generate-crds.ts
// does the writing.

export const CHART_CRD_DIRECTORY = 'charts/strata/templates/crds'

const metadataBlock = (name: string) => `\nmetadata:\n  name: ${name}\n`

/** Wraps one generated CRD document (header comment + YAML) into a chart template. */
export function chartCrdTemplate(content: string): string {
  // Helm would evaluate any `{{` in a description as template code.
  if (content.includes('{{') || content.includes('}}'))
    throw new Error('a generated CRD contains "{{" or "}}", which Helm would treat as a template')
  const name = /\nmetadata:\n {2}name: (\S+)\n/.exec(content)?.[1]
  if (name === undefined)
    throw new Error('a generated CRD has no metadata.name right after metadata')
  const withMetadata = content.replace(
    metadataBlock(name),
    metadataBlock(name) +
      '  labels:\n' +
      '    {{- include "strata.labels" . | nindent 4 }}\n' +
      '  {{- if .Values.crds.keep }}\n' +
      '  annotations:\n' +
      '    helm.sh/resource-policy: keep\n' +
      '  {{- end }}\n',
  )
  return `{{- if .Values.crds.install }}\n${withMetadata.trimEnd()}\n{{- end }}\n`
}
