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

/** `[start, end)` of a text replaced by `insert` (`end` omitted: a pure insertion). */
export interface Splice {
  readonly start: number;
  readonly end?: number;
  readonly insert: string;
}

/**
 * `text` with `splices` made, each at offsets of `text` itself; undefined when two of them overlap or touch the
 * same offset (which one comes first would be a guess).
 */
export function spliced(text: string, splices: readonly Splice[]): string | undefined {
  const sorted = [...splices].sort((a, b) => a.start - b.start);
  const parts: string[] = [];
  let at = 0;
  for (const s of sorted) {
    if (s.start < at || (parts.length > 0 && s.start === at)) return undefined;
    parts.push(text.slice(at, s.start), s.insert);
    at = s.end ?? s.start;
  }
  parts.push(text.slice(at));
  return parts.join('');
}
