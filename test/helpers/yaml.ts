/** Template text written indented in a test: the first newline and the common indentation are removed. */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = strings
    .reduce((out, s, i) => out + s + (i < values.length ? String(values[i]) : ''), '')
    .replace(/^\n/, '');
  const indent = Math.min(
    ...text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => l.length - l.trimStart().length),
  );
  return text
    .split('\n')
    .map((l) => l.slice(indent))
    .join('\n')
    .replace(/[ ]+$/, '');
}
