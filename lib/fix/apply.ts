/**
 * Fixes the findings of one template file: each finding's edits are planned on the document and written into
 * the text, those of different resources together and those of one resource in turn (so an edit sees the
 * mappings an earlier one created), then the result is scanned again. A finding whose fix cannot be applied
 * safely, conflicts with another, or does not go away in the new scan is left as it was and listed with the
 * reason; the others are kept.
 */
import type { Finding, FixEdit } from '../engine/finding';
import { InputError } from '../template/errors';
import {
  DEFAULT_PARSE_LIMITS,
  detectFormat,
  parseDocument,
  type DocumentFormat,
  type ParseLimits,
} from '../template/parse';
import { parsePath } from '../template/path';
import { globalsTarget } from './globals';
import { jsonSplice, readJson, type JsonText } from './json';
import { carryOut, carryOutIn, plan, Refusal, sameValues, type Operation } from './plan';
import { spliced, type Splice } from './text';
import { readYaml, yamlSplice, type YamlText } from './yaml';

/** A finding with a fix that was not applied, and why. */
export interface Refused {
  readonly finding: Finding;
  readonly reason: string;
}

/** A finding that was fixed, and the edits written (moved to `Globals` where the value comes from there). */
export interface Fixed {
  readonly finding: Finding;
  readonly edits: readonly FixEdit[];
}

/** What fixing one file's text gives. */
export interface TextFix {
  /** the new text (the same text when nothing was fixed) */
  readonly text: string;
  readonly fixed: readonly Fixed[];
  readonly refused: readonly Refused[];
  /** the new scan of the new text, when something was fixed and verified */
  readonly after?: readonly Finding[];
  /** findings the new scan reports that the old one did not (the fixes made another rule's check apply) */
  readonly introduced: readonly Finding[];
}

/** Scans a template's new text: its active findings. Throws an InputError when the text does not parse. */
export type Verify = (text: string) => readonly Finding[];

/** The file being fixed: its name, its format and the limits its text is parsed with (those of the scan). */
interface Source {
  readonly file: string;
  readonly format: DocumentFormat;
  readonly limits: ParseLimits;
}

/**
 * Applies the fixes of `findings` (the file's active findings; those without a fix are ignored) to `text`.
 * With `verify`, the result is scanned again and only fixes whose finding disappeared are kept.
 */
export function fixText(
  text: string,
  file: string,
  findings: readonly Finding[],
  verify?: Verify,
  limits: ParseLimits = DEFAULT_PARSE_LIMITS,
): TextFix {
  const source: Source = { file, format: detectFormat(file, text), limits };
  const refused = new Map<Finding, string>();
  const edits = targets(
    text,
    source,
    findings.filter((f) => f.fix !== undefined),
    refused,
  );
  let accepted = [...edits.keys()];
  for (;;) {
    const { text: fixedText, done } = applyAll(text, source, accepted, edits, refused);
    const fixed = (list: readonly Finding[]): Fixed[] =>
      list.map((finding) => ({ finding, edits: edits.get(finding)! }));
    if (!verify || done.length === 0) return result(fixedText, fixed(done), refused);
    let after: readonly Finding[];
    try {
      after = verify(fixedText);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      for (const f of done) refused.set(f, `the fixed template would not parse: ${error.message}`);
      return result(text, [], refused);
    }
    const left = new Set(after.map(findingKey));
    const unresolved = new Set(done.filter((f) => left.has(findingKey(f))));
    if (unresolved.size === 0) {
      const before = new Set(findings.map(findingKey));
      return result(
        fixedText,
        fixed(done),
        refused,
        after,
        after.filter((f) => !before.has(findingKey(f))),
      );
    }
    for (const f of unresolved) refused.set(f, 'the fix did not remove the finding');
    accepted = done.filter((f) => !unresolved.has(f));
  }
}

/** Each finding's edits, moved to `Globals` where the value comes from there and every resource taking it has the same fix. */
function targets(
  text: string,
  source: Source,
  findings: readonly Finding[],
  refused: Map<Finding, string>,
): Map<Finding, FixEdit[]> {
  const doc = parse(text, source);
  const out = new Map<Finding, FixEdit[]>();
  /** per edit moved to Globals: the resources that take the value, and the findings (by resource) that move it */
  const moved = new Map<string, { inheritors: readonly string[]; by: Map<string, Finding[]> }>();
  for (const f of findings) {
    try {
      out.set(
        f,
        f.fix!.map((edit) => {
          const g = globalsTarget(doc, edit);
          if (!g) return edit;
          const k = editKey(g.edit);
          const entry = moved.get(k) ?? { inheritors: g.inheritors, by: new Map<string, Finding[]>() };
          moved.set(k, entry);
          entry.by.set(f.resource, [...(entry.by.get(f.resource) ?? []), f]);
          return g.edit;
        }),
      );
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      refused.set(f, error.message);
    }
  }
  for (const [k, { inheritors, by }] of moved) {
    const others = inheritors.filter((id) => !by.has(id));
    if (others.length === 0) continue;
    const where = k.slice(0, k.indexOf('\u0000'));
    for (const f of [...by.values()].flat()) {
      out.delete(f);
      refused.set(
        f,
        `the value comes from ${where}, which ${others.join(', ')} also take${others.length === 1 ? 's' : ''}: changing it there would change ${others.length === 1 ? 'that one' : 'those'} too`,
      );
    }
  }
  return out;
}

/**
 * Applies the findings' edits in order; a finding whose edits cannot all be applied is left out whole. The edits
 * are made in rounds, each on one reading of the text, so that a file with many fixes is read a few times rather
 * than once per fix: a round takes, in order, the findings whose resources (or `Globals` sections) no earlier
 * finding of the round touches, and makes their splices at once (text that one resource's edits do not reach).
 * A finding with several operations goes alone, one operation after the other (a later one may need the mapping
 * an earlier one created), and so does each finding of a round whose result does not read as planned, which
 * refuses the one at fault.
 */
function applyAll(
  text: string,
  source: Source,
  findings: readonly Finding[],
  edits: ReadonlyMap<Finding, readonly FixEdit[]>,
  refused: Map<Finding, string>,
): { text: string; done: Finding[] } {
  const written = new Map<string, string>();
  const done = new Set<Finding>();
  let current = text;
  let pending: readonly Finding[] = findings;
  while (pending.length > 0) {
    const round = applyRound(current, source, pending, edits, written, refused);
    current = round.text;
    for (const f of round.done) done.add(f);
    pending = round.deferred;
  }
  return { text: current, done: findings.filter((f) => done.has(f)) };
}

/** One round of {@link applyAll}: the new text, the findings fixed, and those left for the next round. */
function applyRound(
  text: string,
  source: Source,
  pending: readonly Finding[],
  edits: ReadonlyMap<Finding, readonly FixEdit[]>,
  written: Map<string, string>,
  refused: Map<Finding, string>,
): { text: string; done: Finding[]; deferred: Finding[] } {
  const before = new Map(written);
  const expected = structuredClone(parse(text, source));
  let read: Readable | undefined;
  const splices: Splice[] = [];
  const taken: Finding[] = [];
  const deferred: Finding[] = [];
  // the resources and Globals sections the round's findings change, and those of the findings it defers: a later
  // finding there waits too, so that each place sees its fixes in order
  const touched = new Set<string>();
  for (const [i, f] of pending.entries()) {
    const places = edits.get(f)!.map((edit) => placeOf(edit));
    const free = places.every((p) => !touched.has(p));
    for (const p of places) touched.add(p);
    if (!free) {
      deferred.push(f);
      continue;
    }
    try {
      const mine = new Map<string, string>();
      const ops: Operation[] = [];
      for (const edit of edits.get(f)!) if (toWrite(edit, written, mine)) ops.push(...plan(expected, edit));
      if (ops.length > 1) {
        if (taken.length > 0) {
          deferred.push(f);
          continue;
        }
        // alone, as the only finding of its round
        const next = applyOne(text, source, f, edits, written, refused);
        return {
          text: next ?? text,
          done: next === undefined ? [] : [f],
          deferred: [...deferred, ...pending.slice(i + 1)],
        };
      }
      if (ops.length === 1) {
        read ??= readable(text, source);
        splices.push(spliceOf(read, ops[0]));
        carryOutIn(expected, ops[0]);
      }
      for (const [t, k] of mine) written.set(t, k);
      taken.push(f);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      refused.set(f, error.message);
    }
  }
  if (splices.length === 0) return { text, done: taken, deferred };
  const out = spliced(text, splices);
  if (out !== undefined && sameValues(parseOrUndefined(out, source), expected))
    return { text: out, done: taken, deferred };
  // not as planned: each finding of the round on its own, to find the one at fault
  written.clear();
  for (const [t, k] of before) written.set(t, k);
  let current = text;
  const done: Finding[] = [];
  for (const f of taken) {
    const next = applyOne(current, source, f, edits, written, refused);
    if (next === undefined) continue;
    current = next;
    done.push(f);
  }
  return { text: current, done, deferred };
}

/**
 * Whether `edit` is still to be written, noted in `mine` (the finding's own): not when an earlier fix writes the
 * same value at its target; a Refusal when one writes a different value there.
 */
function toWrite(edit: FixEdit, written: ReadonlyMap<string, string>, mine: Map<string, string>): boolean {
  const k = editKey(edit);
  const target = k.slice(0, k.indexOf('\u0000'));
  const previous = written.get(target) ?? mine.get(target);
  if (previous !== undefined && previous !== k) throw new Refusal(`another fix sets ${target} differently`);
  mine.set(target, k);
  return previous === undefined;
}

/** Where an edit writes, for {@link applyRound}: its resource, or its `Globals` section. */
function placeOf(edit: FixEdit): string {
  return parsePath(edit.path).slice(0, 2).join('\u0000');
}

/** One finding's edits, one operation at a time; the new text, or undefined when the finding was refused. */
function applyOne(
  text: string,
  source: Source,
  f: Finding,
  edits: ReadonlyMap<Finding, readonly FixEdit[]>,
  written: Map<string, string>,
  refused: Map<Finding, string>,
): string | undefined {
  try {
    let next = text;
    const mine = new Map<string, string>();
    for (const edit of edits.get(f)!) if (toWrite(edit, written, mine)) next = applyEdit(next, source, edit);
    for (const [t, k] of mine) written.set(t, k);
    return next;
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    refused.set(f, error.message);
    return undefined;
  }
}

/**
 * One edit: planned on the current text's document, written with the format's writer, and refused unless the
 * new text parses to exactly the planned document.
 */
function applyEdit(text: string, source: Source, edit: FixEdit): string {
  let doc = parse(text, source);
  let out = text;
  for (const op of plan(doc, edit)) {
    out = spliced(out, [spliceOf(readable(out, source), op)])!;
    const expected = carryOut(doc, op);
    const after = parseOrUndefined(out, source);
    if (!sameValues(after, expected))
      throw new Refusal('opslint cannot write this change without touching the text around it');
    doc = after;
  }
  return out;
}

/** A text read for the format's writer. */
type Readable =
  { readonly format: 'yaml'; readonly yaml: YamlText } | { readonly format: 'json'; readonly json: JsonText };

function readable(text: string, source: Source): Readable {
  return source.format === 'yaml' ? { format: 'yaml', yaml: readYaml(text) } : { format: 'json', json: readJson(text) };
}

function spliceOf(read: Readable, op: Operation): Splice {
  return read.format === 'yaml' ? yamlSplice(read.yaml, op) : jsonSplice(read.json, op);
}

/** The document of `text`, or undefined when it does not parse. */
function parseOrUndefined(text: string, source: Source): unknown {
  try {
    return parse(text, source);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return undefined;
  }
}

function parse(text: string, { file, format, limits }: Source): unknown {
  return parseDocument(text, file, format, limits).value;
}

/** An edit's target (the path, and for a list item its key) and, after a NUL, what it writes. */
function editKey(edit: FixEdit): string {
  if ('value' in edit) return `${edit.path}\u0000${JSON.stringify(edit.value)}`;
  return `${edit.path}[${edit.key}=${String(edit.item[edit.key])}]\u0000${JSON.stringify(edit.item)}`;
}

/** A finding's identity across two scans of the same file (lines move when text is inserted). */
export function findingKey(f: Finding): string {
  return `${f.ruleId}\u0000${f.resource}\u0000${f.path}`;
}

function result(
  text: string,
  fixed: readonly Fixed[],
  refused: ReadonlyMap<Finding, string>,
  after?: readonly Finding[],
  introduced: readonly Finding[] = [],
): TextFix {
  return {
    text,
    fixed,
    refused: [...refused].map(([finding, reason]) => ({ finding, reason })),
    ...(after ? { after } : {}),
    introduced,
  };
}
