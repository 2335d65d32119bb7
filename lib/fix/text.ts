/** Small text helpers shared by the YAML and JSON writers: lines, line endings, splices. */

/** The file's line ending: CRLF when it uses it, LF otherwise. */
export function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** The offset where the line holding `offset` starts. */
export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The offset where the line holding `offset` ends (before its line break, CR included), or the text's end. */
export function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  if (nl < 0) return text.length;
  return nl > 0 && text[nl - 1] === '\r' ? nl - 1 : nl;
}

/** The spaces and tabs that start the line holding `offset`. */
export function lineIndent(text: string, offset: number): string {
  return /^[ \t]*/.exec(text.slice(lineStart(text, offset), offset))![0];
}

/** `text` with `[start, end)` replaced by `insert` (`end` omitted: a pure insertion). */
export function splice(text: string, start: number, end: number | undefined, insert: string): string {
  return text.slice(0, start) + insert + text.slice(end ?? start);
}
