// The public seam of @strata/crds: the schemas shared by the operator and the gateway. The CRD
// generator (and its YAML writer) is a separate entry, @strata/crds/generate, so that the gateway
// and the operator do not load it at start-up.
export * from './routing-table.ts'
export * from './routing-table-access.ts'
export * from './guardrail.ts'
export * from './routing-table-config-map.ts'
export * from './common-fields.ts'
export * from './conditions.ts'
export * from './bedrock-project-tags.ts'
export * from './bedrock-project.ts'
export * from './model-route-limits.ts'
export * from './governance.ts'
export * from './model-route.ts'
export * from './route-resilience.ts'
export * from './model-route-rollout.ts'
