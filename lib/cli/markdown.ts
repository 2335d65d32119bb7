/**
 * Markdown for a terminal, as far as the rule pages use it: headings, paragraphs, bold, code spans and fenced
 * code, links, lists and tables. The marks go (no `**`, no `|---|`); with colours, bold is bold and code cyan,
 * and without them code spans keep their backticks, which still tell code from prose.
 */
import type { Colors } from 'picocolors/types';

export function renderMarkdown(markdown: string, c: Colors): string {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = /^\s*(```|~~~)/.exec(line);
    if (fence) {
      // the code as it is, indented, up to the closing fence
      for (i++; i < lines.length && !lines[i].trimStart().startsWith(fence[1]); i++) out.push(`    ${lines[i]}`);
      continue;
    }
    if (isTableRow(line)) {
      const rows: string[] = [];
      for (; i < lines.length && isTableRow(lines[i]); i++) rows.push(lines[i]);
      i--;
      out.push(...table(rows, c));
      continue;
    }
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const text = inline(heading[2], c);
      out.push(heading[1].length === 1 ? c.bold(c.underline(text)) : c.bold(text));
      continue;
    }
    const item = /^(\s*)[-*+]\s+(.*)$/.exec(line);
    out.push(item ? `${item[1]}  • ${inline(item[2], c)}` : inline(line, c));
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** Text that stays inside one cell of a Markdown table. */
export function tableCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function isTableRow(line: string): boolean {
  return /^\s*\|.*\|\s*$/.test(line);
}

/** A table with its columns aligned; the delimiter row goes, and so does a header row with nothing in it. */
function table(rows: readonly string[], c: Colors): string[] {
  const cells = rows
    .filter((row) => !/^\s*\|(\s*:?-+:?\s*\|)+\s*$/.test(row))
    .map((row) =>
      row
        .trim()
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => inline(cell.trim().replace(/\\\|/g, '|'), c)),
    );
  const hasHeader = rows.length > 1 && /^\s*\|(\s*:?-+:?\s*\|)+\s*$/.test(rows[1]);
  if (hasHeader && cells[0].every((cell) => cell === '')) cells.shift();
  else if (hasHeader) cells[0] = cells[0].map((cell) => c.bold(cell));
  const width = (text: string): number => visible(text).length;
  const widths = cells[0]?.map((_, i) => Math.max(...cells.map((row) => width(row[i] ?? '')))) ?? [];
  return cells.map((row) =>
    row
      .map((cell, i) => (i < row.length - 1 ? cell + ' '.repeat(widths[i] - width(cell)) : cell))
      .join('  ')
      .trimEnd(),
  );
}

/** Bold, code spans and links of one line. */
function inline(text: string, c: Colors): string {
  // code spans are set aside first: nothing inside them is Markdown
  const spans: string[] = [];
  const marked = text.replace(/`([^`]+)`/g, (whole, code: string) => {
    spans.push(c.isColorSupported ? c.cyan(code) : whole);
    return `\uE000${spans.length - 1}\uE000`;
  });
  return marked
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_, label: string, url: string) =>
      label === url ? url : `${label} (${url})`,
    )
    .replace(/\*\*(.+?)\*\*/g, (_, bold: string) => c.bold(bold))
    .replace(/\uE000(\d+)\uE000/g, (_, n: string) => spans[Number(n)]);
}

/** The text without its colour codes, for widths. */
function visible(text: string): string {
  // eslint-disable-next-line no-control-regex -- the escape that starts a colour code
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}
