/** Small value helpers for rules: CloudFormation accepts booleans as `true` and as `"true"`. */

/** `true`, `"true"` (any case). */
export function isTrue(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.toLowerCase() === 'true');
}

/** `false`, `"false"` (any case). */
export function isFalse(value: unknown): boolean {
  return value === false || (typeof value === 'string' && value.toLowerCase() === 'false');
}

/** Not set, or set to something empty (`''`, `[]`, `{}`). */
export function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}
