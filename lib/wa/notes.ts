/**
 * The notes opslint writes into a Well-Architected review: one per choice (a best practice; at most 250
 * characters) and one per question (at most 2,084), and how they sit beside what reviewers wrote there. opslint's
 * text is enclosed in markers, so that a later run replaces its own part only and leaves the rest as it is; the
 * text depends on the scan alone (no date), so that an unchanged scan writes nothing.
 */
import type { Finding, ScorecardBestPractice } from '../engine/finding';
import { plural } from '../util/words';

/** The Well-Architected Tool's longest note on a choice. */
export const CHOICE_NOTE_LIMIT = 250;
/** The Well-Architected Tool's longest note on a question. */
export const QUESTION_NOTE_LIMIT = 2084;

const OPEN = '[opslint]';
const CLOSE = '[/opslint]';

type Counts = Omit<ScorecardBestPractice, 'url'>;

/**
 * A finding in a few words: where it is and its rule. The place is its construct in a CDK app, else its
 * resource and file:line, as two resources may share a line (a SAM template's Globals).
 */
export function findingLabel(f: Finding): string {
  const place = f.constructPath ?? (f.resource ? `${f.resource} (${f.file}:${f.line})` : `${f.file}:${f.line}`);
  return `${place} ${f.ruleId}`;
}

/** What the scan says of one best practice, in a line: counts, or why it was not checked. */
function verdict(bp: Counts): string {
  // no rule of this scan checks it: none of opslint's can (a practice of people and process), or they were left out
  if (!bp.checkable) return 'not checked by this scan';
  // no resource of their types, or none the practice applies to (an app whose alarms notify nobody has no escalation)
  if (bp.resources === 0)
    return `nothing to check (${plural(bp.rules.length, 'rule')} found nothing the practice applies to)`;
  const parts = [`${bp.passed} of ${plural(bp.resources, 'resource')} passed`, `${bp.failed} failed`];
  if (bp.needsContext > 0) parts.push(`${bp.needsContext} ${bp.needsContext === 1 ? 'needs' : 'need'} context`);
  if (bp.suppressed > 0) parts.push(`${bp.suppressed} suppressed`);
  return parts.join(', ');
}

/** The room for opslint's text in an empty note of at most `limit` characters: all but its markers. */
const roomIn = (limit: number): number => limit - OPEN.length - CLOSE.length - 2;

/**
 * The note of one choice, without markers, in `room` characters: its verdict, then as many of its findings as
 * fit.
 */
export function choiceNote(bp: Counts, findings: readonly Finding[], room = roomIn(CHOICE_NOTE_LIMIT)): string {
  const head = `${verdict(bp)}.`;
  return withListed(
    head,
    findings.map(findingLabel),
    room,
    // none listed: the verdict's counts say how many failed
    (shown, more) =>
      shown.length === 0 ? head : `${head} ${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}.`,
  );
}

/**
 * The note of one question, without markers, in `room` characters: a line per best practice and its findings,
 * and the report's link.
 */
export function questionNote(
  bestPractices: readonly (Counts & {
    readonly findings: readonly Finding[];
    readonly suppressedFindings?: readonly Finding[];
  })[],
  reportUrl?: string,
  room = roomIn(QUESTION_NOTE_LIMIT),
): string {
  const checkable = bestPractices.filter((bp) => bp.checkable);
  const unchecked = bestPractices.filter((bp) => !bp.checkable).map((bp) => bp.id);
  const tail = [
    ...(unchecked.length > 0 ? [`Not checked by this scan (review them): ${unchecked.join(', ')}.`] : []),
    ...(reportUrl !== undefined ? [`Full report: ${reportUrl}`] : []),
  ];
  // per best practice, its active findings, then its suppressed ones with their reasons
  const listed = checkable.map((bp) => [
    ...bp.findings.map((f) => `- ${findingLabel(f)}${f.needsContext ? ' (needs context)' : ''}: ${f.message}`),
    ...(bp.suppressedFindings ?? []).map((f) => `- ${findingLabel(f)} (suppressed: ${f.suppressed!.reason})`),
  ]);
  // every best practice's line first; then findings, in each best practice's order, while they fit
  const shown = checkable.map(() => 0);
  const render = (): string =>
    [
      ...checkable.flatMap((bp, i) => {
        const more = listed[i].length - shown[i];
        return [
          `${bp.id} ${bp.title}: ${verdict(bp)}.`,
          ...listed[i].slice(0, shown[i]),
          ...(more > 0 ? [`- and ${more} more`] : []),
        ];
      }),
      ...tail,
    ].join('\n');
  let text = render();
  if (text.length > room) return fit(text, room);
  // a finding more for each best practice in turn, so that a later one is not left with "and N more" only
  const full = listed.map((lines) => lines.length === 0);
  while (full.some((f) => !f)) {
    checkable.forEach((_, i) => {
      if (full[i]) return;
      shown[i]++;
      const next = render();
      if (next.length > room) {
        shown[i]--;
        full[i] = true;
      } else {
        text = next;
        if (shown[i] >= listed[i].length) full[i] = true;
      }
    });
  }
  return text;
}

/** `render` of as many of `items` as fit in `room` (at least none); `head` alone when none has any. */
function withListed(
  head: string,
  items: readonly string[],
  room: number,
  render: (shown: readonly string[], more: number) => string,
): string {
  if (items.length === 0) return fit(head, room);
  let text = fit(render([], items.length), room);
  for (let n = 1; n <= items.length; n++) {
    const next = render(items.slice(0, n), items.length - n);
    if (next.length > room) break;
    text = next;
  }
  return text;
}

/**
 * A note that holds `ours` between opslint's markers and keeps the rest of `existing` (a reviewer's text): the
 * marked part replaced where there is one, added after the reviewer's text otherwise, within `limit`. `ours`
 * may be a text for the room left, which drops findings ("and N more") rather than cut its sentences short.
 */
export function mergeNote(
  existing: string | undefined,
  ours: string | ((room: number) => string),
  limit: number,
): string {
  const before = existing ?? '';
  const start = before.indexOf(OPEN);
  const end = start < 0 ? -1 : before.indexOf(CLOSE, start + OPEN.length);
  const [head, rest] = end < 0 ? [before.trimEnd(), ''] : [before.slice(0, start), before.slice(end + CLOSE.length)];
  const separator = end < 0 && head !== '' ? '\n' : '';
  const room = limit - head.length - rest.length - separator.length - OPEN.length - CLOSE.length - 2;
  // a reviewer's text too long to leave room for ours keeps it whole: opslint's part goes
  if (room < 1) return before;
  const text = fit(typeof ours === 'string' ? ours : ours(room), room);
  // a note of several lines has its markers on lines of their own
  const space = text.includes('\n') ? '\n' : ' ';
  return `${head}${separator}${OPEN}${space}${text}${space}${CLOSE}${rest}`;
}

/** `text` cut to `room` characters at the end of a word, with an ellipsis where it was cut. */
function fit(text: string, room: number): string {
  if (text.length <= room) return text;
  const cut = text.slice(0, Math.max(0, room - 1));
  // the words that fit whole, without the separator before the cut; a single word too long is cut within
  const words = cut.slice(0, Math.max(0, /\s/.test(text[cut.length]) ? cut.length : cut.search(/\s\S*$/)));
  return `${(words || cut).replace(/[\s,;:.]+$/, '')}…`;
}
