{{- define "nodewatch.labels" -}}
app.kubernetes.io/name: nodewatch
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "nodewatch.selector" -}}
app.kubernetes.io/name: nodewatch
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "nodewatch.serviceAccount" -}}
{{- if .Values.serviceAccount.create -}}{{ .Values.serviceAccount.name }}{{- else -}}{{ .Values.serviceAccount.name | default "default" }}{{- end -}}
{{- end -}}
