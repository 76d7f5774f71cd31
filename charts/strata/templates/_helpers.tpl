{{/* Labels shared by every object, apart from the instance label the selectors carry. */}}
{{- define "strata.baseLabels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/part-of: strata
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Labels of objects that belong to no one component. */}}
{{- define "strata.labels" -}}
{{ include "strata.baseLabels" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Selector labels of one component ("operator" or "gateway"). */}}
{{- define "strata.selectorLabels" -}}
app.kubernetes.io/name: strata-{{ .component }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end }}

{{- define "strata.componentLabels" -}}
{{ include "strata.baseLabels" .root }}
{{ include "strata.selectorLabels" . }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* image: repository:tag, the tag defaulting to the chart's appVersion. */}}
{{- define "strata.image" -}}
{{- $tag := .image.tag | default .root.Chart.AppVersion -}}
{{ printf "%s:%s" .image.repository $tag }}
{{- end }}

{{/* The in-cluster base URL the gateway serves. */}}
{{- define "strata.gatewayUrl" -}}
{{- printf "http://strata-gateway.%s.svc/v1" .Release.Namespace -}}
{{- end }}

{{/* The Prometheus query KEDA evaluates: in-flight requests summed over the gateway fleet. */}}
{{- define "strata.inFlightQuery" -}}
{{- printf "sum(strata_gateway_in_flight_requests{namespace=\"%s\",service=\"strata-gateway\"})" .Release.Namespace -}}
{{- end }}

{{/* The restricted Pod Security profile, shared by both programs. uid 1000 is `node` in node:24-slim. */}}
{{- define "strata.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
fsGroup: 1000
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "strata.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop:
    - ALL
{{- end }}

{{/* Scheduling fields a user may set per component. */}}
{{- define "strata.scheduling" -}}
{{- with .nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- end }}
