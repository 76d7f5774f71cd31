import { describe, expect, it } from 'vitest'
import { chartNamesTemplate } from './chart-names.ts'

describe('chartNamesTemplate', () => {
  it('defines one named template per API name, with the values the code uses', () => {
    const text = chartNamesTemplate()
    expect(text).toContain('{{- define "strata.apiGroup" -}}strata.dev{{- end }}')
    expect(text).toContain(
      '{{- define "strata.bedrockProjectsResource" -}}bedrockprojects{{- end }}',
    )
    expect(text).toContain('{{- define "strata.modelRoutesResource" -}}modelroutes{{- end }}')
    expect(text).toContain(
      '{{- define "strata.routingTableConfigMap" -}}strata-routing-table{{- end }}',
    )
  })

  it('refuses a value Helm would read as template code', () => {
    expect(() => chartNamesTemplate({ 'strata.x': '{{ .Values.y }}' })).toThrow(/unsafe value/)
  })
})
