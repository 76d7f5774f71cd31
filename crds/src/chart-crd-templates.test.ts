import { describe, expect, it } from 'vitest'
import { chartCrdTemplate } from './chart-crd-templates.ts'
import { renderCustomResourceDefinitions } from './custom-resource-definitions.ts'

const crd =
  '# generated\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: things.strata.dev\nspec:\n  group: strata.dev\n'

describe('chartCrdTemplate', () => {
  it('gates the CRD on crds.install and adds the chart labels and the keep policy', () => {
    expect(chartCrdTemplate(crd)).toBe(
      '{{- if .Values.crds.install }}\n# generated\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n' +
        'metadata:\n  name: things.strata.dev\n  labels:\n    {{- include "strata.labels" . | nindent 4 }}\n' +
        '  {{- if .Values.crds.keep }}\n  annotations:\n    helm.sh/resource-policy: keep\n  {{- end }}\n' +
        'spec:\n  group: strata.dev\n{{- end }}\n',
    )
  })

  it('refuses text Helm would read as template code', () => {
    expect(() => chartCrdTemplate(crd.replace('group', 'description: "{{ x }}"\n  group'))).toThrow(
      /Helm would treat as a template/,
    )
  })

  it('wraps every real CRD', () => {
    for (const { content } of renderCustomResourceDefinitions())
      expect(chartCrdTemplate(content)).toContain('helm.sh/resource-policy: keep')
  })
})
