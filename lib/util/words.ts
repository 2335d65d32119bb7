/** A count with its noun, singular or plural: `1 finding`, `3 findings`. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
