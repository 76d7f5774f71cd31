// The tags a Bedrock project should carry, and the smallest add/remove to get there. The Projects
// API has no whole-set replacement, only `add_tags` and `remove_tag_keys` on its update call (AWS
// user guide, "Projects"), so drift is repaired as a diff.

/** Marks which BedrockProject manages a Bedrock project, so adoption never steals another's. */
export const OWNER_TAG = 'strata.dev/owner'

export type Tags = Record<string, string>

export function ownerValue(namespace: string, name: string): string {
  return `${namespace}/${name}`
}

export function desiredTags(specTags: Tags, namespace: string, name: string): Tags {
  return { ...specTags, [OWNER_TAG]: ownerValue(namespace, name) }
}

export interface TagDiff {
  add: Tags
  remove: string[]
}

export function diffTags(desired: Tags, actual: Tags): TagDiff {
  const add: Tags = {}
  for (const [key, value] of Object.entries(desired)) if (actual[key] !== value) add[key] = value
  const remove = Object.keys(actual)
    .filter((key) => !(key in desired))
    .sort()
  return { add, remove }
}

export function isEmptyDiff(diff: TagDiff): boolean {
  return Object.keys(diff.add).length === 0 && diff.remove.length === 0
}
