/**
 * `--format sarif`: SARIF 2.1.0 for GitHub code scanning. One rules entry per rule that ran (help in text and
 * Markdown, with the OPS best practice and the doc link, and a precision derived from the rule's metadata), results
 * at repository-relative paths and 1-based regions, suppressed findings as `suppressions`, needs-context reminders
 * as one result per rule, and a fingerprint that does not depend on line numbers, so an alert survives edits above
 * it.
 *
 * With a baseline, the findings it knows stay in the log as `baselineState: "unchanged"` (new ones `"new"`): code
 * scanning closes an alert whose result is missing from an upload, so a log of new findings alone would close every
 * known alert on the default branch. Baseline entries that no longer occur are not written as `"absent"` results:
 * the baseline has no line for them and their file may be gone, and code scanning, which does not read
 * `baselineState`, would keep their alerts open.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import { compareFindings, fullMessage, locationUri, type Finding, type Severity } from '../engine/finding';
import { wellFormed } from './escape';
import type { ReporterOptions, StreamingReporter } from './index';
import { Items, jsonPieces } from './json-pieces';
import { repoRelative } from './paths';
import { groupReminders, type ReminderGroup } from './reminders';
import { findingRuleInfo, type RuleInfo } from '../engine/rule-info';

const LEVEL: Readonly<Record<Severity, Sarif.ReportingConfiguration.level>> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
};
const INFORMATION_URI = 'https://github.com/opslint/opslint';

export const sarifReport: StreamingReporter = function* (report, options) {
  const known = new Set(report.known);
  // a suppressed finding the baseline knows is in both
  const all = known.size > 0 ? [...new Set([...report.findings, ...known])].sort(compareFindings) : report.findings;
  // relative to a baseline, when the scan used one
  const state = (members: readonly Finding[]): Sarif.Result.baselineState | undefined => {
    if (!report.summary.baseline) return undefined;
    const n = members.filter((f) => known.has(f)).length;
    return n === 0 ? 'new' : n === members.length ? 'unchanged' : 'updated';
  };
  const { findings, reminders } = groupReminders(all);
  const at = locator(options);
  const rules = rulesFor(all, options.rules ?? []);
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const run: Omit<Sarif.Run, 'results'> & { readonly results: Items } = {
    tool: {
      driver: {
        name: 'opslint',
        ...(options.toolVersion ? { version: options.toolVersion, semanticVersion: options.toolVersion } : {}),
        informationUri: INFORMATION_URI,
        rules: rules.map(ruleDescriptor),
      },
    },
    columnKind: 'utf16CodeUnits',
    // made as they are written
    results: new Items(
      (function* () {
        for (const f of findings) yield result(f, index.get(f.ruleId)!, at, state([f]));
        for (const g of reminders) yield reminderResult(g, index.get(g.ruleId)!, at, state(g.findings));
      })(),
    ),
    invocations: [
      {
        executionSuccessful: report.errors.length === 0,
        toolExecutionNotifications: [
          ...report.errors.map((e) => ({
            level: 'error' as const,
            message: { text: e.message },
            locations: [at.location(e.file, e.line ?? 1, e.column ?? 1)],
          })),
          // what the scan could not work out, or left out (packs of the configuration)
          ...report.summary.notes.map((n) => ({
            level: 'note' as const,
            message: { text: n.message },
            locations: [at.location(n.file, n.line, n.column)],
          })),
        ],
      },
    ],
  };
  const log: Omit<Sarif.Log, 'runs'> & { readonly runs: readonly (typeof run)[] } = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [run],
  };
  // a result at a time (the log, its run, its lists, then each of their entries whole); a lone surrogate (from a
  // template) as U+FFFD: JSON would carry it as an escape that many SARIF readers reject
  yield* jsonPieces(log, 4, wellFormed);
  yield '\n';
};

/** The rules that ran, plus any rule id a finding names that is not among them (internal errors, meta rules). */
function rulesFor(findings: readonly Finding[], infos: readonly RuleInfo[]): RuleInfo[] {
  const out = [...infos];
  const known = new Set(out.map((r) => r.id));
  for (const f of findings) {
    if (known.has(f.ruleId)) continue;
    known.add(f.ruleId);
    out.push(findingRuleInfo(f));
  }
  return out;
}

function ruleDescriptor(r: RuleInfo): Sarif.ReportingDescriptor {
  const bp = `${r.bestPractice}${r.bestPracticeTitle ? ` ${r.bestPracticeTitle}` : ''}`;
  const markdown = [
    `**${r.title}** — OPS best practice ${r.bestPracticeUrl ? `[${bp}](${r.bestPracticeUrl})` : bp}.`,
    '',
    r.why,
    ...(r.fix.cloudformation ? ['', '**Fix (CloudFormation)**', '', '```yaml', r.fix.cloudformation, '```'] : []),
    ...(r.fix.cdk ? ['', '**Fix (CDK)**', '', '```ts', r.fix.cdk, '```'] : []),
    // a third-party rule may have no page
    ...(r.docs ? ['', `[Rule documentation](${r.docs})`] : []),
  ].join('\n');
  const text = [
    `${r.title} (${bp}).`,
    r.why,
    r.fix.cloudformation && `Fix (CloudFormation):\n${r.fix.cloudformation}`,
    r.fix.cdk && `Fix (CDK):\n${r.fix.cdk}`,
    r.docs && `Documentation: ${r.docs}`,
  ]
    .filter(Boolean)
    .join('\n\n');
  return {
    id: r.id,
    name: r.id.replace(/(^|[-/])([a-z0-9])/g, (_m, _sep: string, c: string) => c.toUpperCase()),
    shortDescription: { text: r.title },
    fullDescription: { text: r.why || r.title },
    help: { text, markdown },
    ...(r.docs ? { helpUri: r.docs } : {}),
    defaultConfiguration: { level: LEVEL[r.severity] },
    properties: {
      tags: ['operational-excellence', r.question, r.bestPractice, ...(r.pack ? [`pack:${r.pack}`] : [])],
      ...(r.precision ? { precision: r.precision } : {}),
      'problem.severity': r.severity === 'info' ? 'recommendation' : r.severity,
    },
  };
}

function result(
  f: Finding,
  ruleIndex: number,
  at: Locator,
  baselineState: Sarif.Result.baselineState | undefined,
): Sarif.Result {
  const uri = at.uri(f.file);
  const logical = logicalLocation(f);
  return {
    ruleId: f.ruleId,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: fullMessage(f) },
    ...(baselineState ? { baselineState } : {}),
    locations: [
      {
        ...at.location(f.file, f.line, f.column),
        ...(logical ? { logicalLocations: [logical] } : {}),
      },
    ],
    partialFingerprints: { 'opslint/v1': fingerprint(f.ruleId, uri.uri, f.resource, f.path) },
    ...(f.suppressed ? { suppressions: [{ kind: 'inSource' as const, justification: f.suppressed.reason }] } : {}),
    properties: {
      bestPractice: f.bestPractice,
      question: f.question,
      pack: f.pack,
      ...(f.stack ? { stack: f.stack } : {}),
      ...(f.source ? { source: f.source } : {}),
      ...(f.needsContext ? { needsContext: f.needsContext } : {}),
      ...(f.assumptions ? { assumptions: f.assumptions } : {}),
    },
  };
}

/**
 * The reminders of one rule as one result: at the first, the others as related locations. Its fingerprint is the
 * rule's alone, so the alert stays one as templates come and go.
 */
function reminderResult(
  group: ReminderGroup,
  ruleIndex: number,
  at: Locator,
  baselineState: Sarif.Result.baselineState | undefined,
): Sarif.Result {
  const [first, ...others] = group.findings;
  const more = group.files.length - 1;
  const also =
    more > 0
      ? ` The same reminder applies to ${more} more ${more === 1 ? 'file' : 'files'}: see the related locations.`
      : '';
  return {
    ...result(first, ruleIndex, at, baselineState),
    message: { text: `${fullMessage(first)}${also}` },
    ...(others.length > 0
      ? {
          relatedLocations: others.map((f, i) => ({
            id: i + 1,
            ...at.location(f.file, f.line, f.column),
            message: { text: f.message },
          })),
        }
      : {}),
    partialFingerprints: { 'opslint/v1': fingerprint(group.ruleId, 'needs-context') },
  };
}

/** A fingerprint of what names a result (never its line), so that it is stable while lines move. */
function fingerprint(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

type ArtifactUri = { readonly uri: string; readonly uriBaseId?: string };

/** Where the results of one log point: each file's URI worked out once (a large scan has many findings a file). */
interface Locator {
  uri(file: string): ArtifactUri;
  location(file: string, line: number, column: number): Sarif.Location;
}

function locator(options: ReporterOptions): Locator {
  const uris = new Map<string, ArtifactUri>();
  const uri = (file: string): ArtifactUri => {
    let u = uris.get(file);
    if (u === undefined) uris.set(file, (u = uriOf(file, options)));
    return u;
  };
  return {
    uri,
    location: (file, line, column) => ({
      physicalLocation: {
        artifactLocation: uri(file),
        region: { startLine: Math.max(1, line), startColumn: Math.max(1, column) },
      },
    }),
  };
}

/**
 * The resource (by construct path, or stack and logical id); for a deployed stack, which has no file, at
 * least the stack (or, for a finding about all the stacks scanned, their region).
 */
function logicalLocation(f: Finding): Sarif.LogicalLocation | undefined {
  const resource = f.constructPath ?? (f.resource ? (f.stack ? `${f.stack}/${f.resource}` : f.resource) : undefined);
  if (resource !== undefined) return { fullyQualifiedName: resource, kind: 'resource' };
  if (locationUri(f.file)) return { fullyQualifiedName: f.stack ?? f.file, kind: 'module' };
  return undefined;
}

/**
 * Repository-relative (with `%SRCROOT%`) when the file is in the repository; an absolute file URI otherwise;
 * a source's own URI as it is (a deployed stack's `stack://<region>/<name>`), its segments encoded.
 */
function uriOf(file: string, options: ReporterOptions): ArtifactUri {
  const uri = locationUri(file);
  if (uri) return { uri: `${uri.scheme}://${segments(uri.rest)}` };
  const rel = repoRelative(file, options);
  if (rel !== undefined) return { uri: segments(rel), uriBaseId: '%SRCROOT%' };
  return { uri: pathToFileURL(path.resolve(options.cwd ?? process.cwd(), file)).href };
}

/**
 * A `/`-separated path as URI path segments (RFC 3986): each one percent-encoded as UTF-8 but for letters, digits
 * and `-._~!'()*`, so `#`, `?`, `%` and `:` stay part of a name (a `:` in the first segment of a relative
 * reference would read as a scheme).
 */
function segments(p: string): string {
  return p
    .split('/')
    .map((s) => encodeURIComponent(wellFormed(s)))
    .join('/');
}
