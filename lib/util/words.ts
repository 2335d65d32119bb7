/** `text` whole, or cut to `max` characters with an ellipsis as the last. */
export function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A count with its noun, singular or plural: `1 finding`, `3 findings`. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
