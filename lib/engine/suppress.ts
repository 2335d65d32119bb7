/**
 * Suppressions written in templates: `Metadata: { opslint: { suppress: [ { id, reason, expires? } ] } }` on a
 * resource (its findings) or at the template's top level (all its findings). A suppression needs a reason
 * (at least `minReasonLength` characters, and not a placeholder such as `TODO`); without one it does not apply
 * and is itself reported, as is one that names no rule or a rule the configuration does not let anyone
 * suppress. After `expires` (an ISO date) the finding comes back and says the suppression expired. A
 * suppressed finding stays in the report, marked, and does not count.
 *
 * A cloud assembly's CDK acknowledgements (`Validations.of(construct).acknowledge({ id: 'opslint::<rule>',
 * reason })`) suppress the same way, as the CDK plugin applies them: the findings of that rule on the construct
 * and below it, with the same checks of their reason and rule.
 */
import { META_RULES, type Acknowledgement } from '../assembly/cdk-metadata';
import { formatEnvironment, type Assembly, type Stack } from '../assembly/model';
import { isPlainObject } from '../template/intrinsics';
import type { Resource, Template } from '../template/model';
import { formatPath, type JsonPath } from '../template/path';
import { ENGINE_PACK, type Finding, type Suppression } from './finding';
import { ruleDocsUrl } from './rule';
import { suggest } from './suggest';

export const INVALID_SUPPRESSION = 'invalid-suppression';
/** Exceptions are a request-for-exception mechanism: OPS02-BP05. */
const SUPPRESSION_BEST_PRACTICE = 'OPS02-BP05';
export const DEFAULT_MIN_REASON_LENGTH = 10;

/** The reason the editor's suppress action writes, for the user to replace: a placeholder, so it suppresses nothing. */
export const PLACEHOLDER_REASON = '<write why this finding is accepted here>';

/**
 * Whether a suppression's or acknowledgement's reason is a placeholder rather than a reason: the editor's, or a
 * note to write one later (TODO, FIXME, TBD or XXX, in any case, not followed by a letter). Long enough or not,
 * it would silence the finding for good with nobody having said why.
 */
export function isPlaceholderReason(reason: string): boolean {
  const text = reason.trim();
  return text === PLACEHOLDER_REASON || /^(?:todo|fixme|tbd|xxx)(?!\p{L})/iu.test(text);
}

/** Whether a suppression's or acknowledgement's reason will do: at least `min` characters, and not a placeholder. */
export function isReason(reason: string, min: number): boolean {
  return reason.trim().length >= min && !isPlaceholderReason(reason);
}

export interface SuppressionOptions {
  /** the shortest reason accepted (default 10) */
  readonly minReasonLength?: number;
  /** rule ids that may not be suppressed */
  readonly unsuppressible?: readonly string[];
  /** rule ids a suppression may name */
  readonly knownRules: ReadonlySet<string>;
  /** today, `YYYY-MM-DD`, for expiry (default: the current date, UTC) */
  readonly today?: string;
}

interface Entry {
  readonly id: string;
  readonly reason: string;
  readonly expires?: string;
}

/** Applies a template's suppressions to the findings in its file; returns the findings and the problems with suppressions. */
export function applySuppressions(
  assembly: Assembly,
  findings: readonly Finding[],
  options: SuppressionOptions,
): Finding[] {
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const checks: Checks = {
    known: options.knownRules,
    unsuppressible: new Set(options.unsuppressible ?? []),
    min: options.minReasonLength ?? DEFAULT_MIN_REASON_LENGTH,
    hints: new Map(),
  };
  const out: Finding[] = [];
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = byFile.get(f.file);
    if (list) list.push(f);
    else byFile.set(f.file, [f]);
  }

  for (const stack of assembly.stacks) {
    const template = stack.template;
    const here = byFile.get(template.file) ?? [];
    const problems: Finding[] = [];
    const read = (
      metadata: unknown,
      base: JsonPath,
      locate: (p: JsonPath) => { line: number; column: number },
      resource?: Resource,
    ): Map<string, Entry> => {
      const valid = new Map<string, Entry>();
      const list = isPlainObject(metadata) && isPlainObject(metadata.opslint) ? metadata.opslint.suppress : undefined;
      if (!Array.isArray(list)) return valid;
      list.forEach((raw, i) => {
        const at = [...base, 'opslint', 'suppress', i];
        const problem = (message: string): void => {
          problems.push(invalid(template, resource, at, locate(at), message));
        };
        if (!isPlainObject(raw) || typeof raw.id !== 'string')
          return problem('A suppression needs an `id` naming the rule it suppresses.');
        const { id } = raw;
        const reason = typeof raw.reason === 'string' ? raw.reason.trim() : '';
        const refused = refusal(`Suppression of ${id}`, 'suppression', id, reason, checks);
        if (refused) return problem(refused);
        let expires: string | undefined;
        if (raw.expires !== undefined) {
          expires =
            typeof raw.expires === 'string' || raw.expires instanceof Date ? String(raw.expires).slice(0, 10) : '';
          if (!/^\d{4}-\d{2}-\d{2}$/.test(expires) || Number.isNaN(Date.parse(expires))) {
            return problem(
              `Suppression of ${id} has an expiry date that is not a date (YYYY-MM-DD); it does not apply.`,
            );
          }
        }
        valid.set(id, expires ? { id, reason, expires } : { id, reason });
      });
      return valid;
    };

    const templateLevel = read(template.document.Metadata, ['Metadata'], (p) => template.locate(p));
    const resourceLevel = new Map<string, Map<string, Entry>>();
    for (const resource of template.resources.values()) {
      if (!resource.metadata?.opslint) continue;
      resourceLevel.set(
        resource.logicalId,
        read(resource.metadata, ['Metadata'], (p) => template.locateInResource(resource, p), resource),
      );
    }

    for (const f of here) {
      const fromResource = f.resource ? resourceLevel.get(f.resource)?.get(f.ruleId) : undefined;
      const entry = fromResource ?? templateLevel.get(f.ruleId);
      if (!entry) {
        out.push(f);
        continue;
      }
      const source: Suppression['source'] = fromResource ? 'resource' : 'template';
      if (entry.expires !== undefined && entry.expires < today) {
        out.push({ ...f, message: `${f.message} Its suppression expired on ${entry.expires}.` });
      } else {
        out.push({
          ...f,
          suppressed: entry.expires
            ? { reason: entry.reason, expires: entry.expires, source }
            : { reason: entry.reason, source },
        });
      }
    }
    for (const p of problems) out.push(p);
  }
  // findings in files that are not templates of this assembly (a cloud assembly's manifest.json)
  const templates = new Set(assembly.stacks.map((s) => s.template.file));
  for (const f of findings) if (!templates.has(f.file)) out.push(f);
  return applyAcknowledgements(assembly, out, checks);
}

/** What a suppression or an acknowledgement is checked against. */
interface Checks {
  readonly known: ReadonlySet<string>;
  readonly unsuppressible: ReadonlySet<string>;
  readonly min: number;
  /** "did you mean" hints by unknown id: each costs a pass over the rules, so a template naming thousands gets the first */
  readonly hints: Map<string, string>;
}

const MAX_HINTS = 100;

/** ` (did you mean "x"?)` for an unknown rule id, computed once per id and for at most {@link MAX_HINTS} ids. */
function hint(id: string, checks: Checks): string {
  let found = checks.hints.get(id);
  if (found === undefined) {
    found = checks.hints.size < MAX_HINTS ? suggest(id, [...checks.known]) : '';
    checks.hints.set(id, found);
  }
  return found;
}

/** Why a suppression or acknowledgement (`what`: `Suppression of lambda-tracing`) does not apply, or undefined when it does. */
function refusal(
  what: string,
  noun: 'suppression' | 'acknowledgement',
  id: string,
  reason: string,
  checks: Checks,
): string | undefined {
  if (!checks.known.has(id)) return `${what} names no opslint rule${hint(id, checks)}; \`opslint rules\` lists them.`;
  if (checks.unsuppressible.has(id))
    return `Rule ${id} may not be suppressed (configuration: suppressions.unsuppressible); the ${noun} does not apply.`;
  if (reason.length < checks.min)
    return `${what} needs a reason of at least ${checks.min} characters (got "${reason}"); it does not apply.`;
  if (isPlaceholderReason(reason))
    return `${what} has a placeholder for a reason (got "${reason}"); write why the finding is accepted here: until then it does not apply.`;
  return undefined;
}

/**
 * Marks the findings a cloud assembly's CDK acknowledgements suppress (a finding a template already suppresses
 * keeps that), and adds an invalid-suppression finding for each acknowledgement that does not apply.
 */
function applyAcknowledgements(assembly: Assembly, findings: Finding[], checks: Checks): Finding[] {
  const valid = new Map<string, Acknowledgement>();
  const problems: Finding[] = [];
  // those made on a stack or in it, then those recorded above the stacks (reported on the first stack they cover)
  const made = [
    ...assembly.stacks.flatMap((stack) => (stack.acknowledgements ?? []).map((ack) => ({ ack, stack }))),
    ...(assembly.acknowledgements ?? []).flatMap((ack) => {
      const stack = assembly.stacks.find((s) => s.constructPath !== undefined && isWithinPath(s.constructPath, ack.at));
      return stack ? [{ ack, stack }] : [];
    }),
  ];
  for (const { ack, stack } of made) {
    // the plugin's own checks: the plugin judges those acknowledgements
    if (META_RULES.includes(ack.ruleId)) continue;
    const where = `${ack.id} at ${ack.at === '' ? 'the app' : ack.at}`;
    const refused = refusal(`Acknowledgement of ${where}`, 'acknowledgement', ack.ruleId, ack.reason.trim(), checks);
    // a reason too short or a placeholder fails `cdk synth` (the CDK integrations make it fatal): here it is an error too
    const badReason = checks.known.has(ack.ruleId) && !isReason(ack.reason, checks.min);
    if (refused)
      problems.push({
        ...invalidAcknowledgement(stack, ack, refused),
        ...(badReason ? { severity: 'error' as const } : {}),
      });
    else valid.set(ackKey(ack.ruleId, ack.at, ack.resource), ack);
  }
  if (valid.size === 0) return problems.length === 0 ? findings : [...findings, ...problems];
  const byFile = new Map(assembly.stacks.map((s) => [s.template.file, s]));
  const out = findings.map((f): Finding => {
    if (f.suppressed) return f;
    const at = constructOf(assembly, byFile, f);
    const ack = at === undefined ? undefined : nearest(valid, f, at);
    return ack
      ? { ...f, suppressed: { reason: ack.reason.trim(), source: 'acknowledgement', acknowledgedAt: ack.at } }
      : f;
  });
  return [...out, ...problems];
}

function ackKey(ruleId: string, at: string, resource = ''): string {
  return `${ruleId}\u0000${at}\u0000${resource}`;
}

/**
 * The acknowledgement of the finding's rule made on the construct at `at` or the nearest one above it (the app
 * last), as the CDK plugin looks it up; on each, one of the finding's resource alone (the nag pack's
 * `Ops-<rule>[<logical id>]`) first.
 */
function nearest(valid: ReadonlyMap<string, Acknowledgement>, f: Finding, at: string): Acknowledgement | undefined {
  const paths = at.split('/').map((_, i, parts) => parts.slice(0, parts.length - i).join('/'));
  for (const p of [...paths, '']) {
    const ack =
      (f.resource !== '' ? valid.get(ackKey(f.ruleId, p, f.resource)) : undefined) ?? valid.get(ackKey(f.ruleId, p));
    if (ack) return ack;
  }
  return undefined;
}

/** Whether the construct at `path` is the one at `ancestor` or below it ('' is the app). */
function isWithinPath(path: string, ancestor: string): boolean {
  return ancestor === '' || path === ancestor || path.startsWith(`${ancestor}/`);
}

/**
 * The construct a finding is on: its own construct path, else the stack whose template holds it, else (a finding
 * about a whole stack, located where manifest.json declares it) the stack it names.
 */
function constructOf(assembly: Assembly, byFile: ReadonlyMap<string, Stack>, f: Finding): string | undefined {
  if (f.constructPath !== undefined) return f.constructPath;
  const inTemplate = byFile.get(f.file);
  if (inTemplate) return inTemplate.constructPath;
  if (f.stack === undefined) return undefined;
  return assembly.stacks.find(
    (s) =>
      s.parent === undefined && (s.stackName ?? s.id) === f.stack && formatEnvironment(s.environment) === f.environment,
  )?.constructPath;
}

/** An acknowledgement that does not apply, reported on the resource it was made on (else its stack's template). */
function invalidAcknowledgement(stack: Stack, ack: Acknowledgement, message: string): Finding {
  const template = stack.template;
  let logicalId: string | undefined;
  for (const [id, c] of stack.constructs ?? [])
    if ([ack.at, `${ack.at}/Resource`, `${ack.at}/Default`].includes(c.path)) logicalId = id;
  const resource = logicalId === undefined ? undefined : template.resources.get(logicalId);
  const position = resource ? template.locateInResource(resource, []) : template.locate([]);
  return {
    ...invalid(template, resource, [], position, message),
    constructPath: ack.at,
    ...(ack.source ? { source: ack.source } : {}),
  };
}

function invalid(
  template: Template,
  resource: Resource | undefined,
  path: JsonPath,
  position: { line: number; column: number },
  message: string,
): Finding {
  const full = resource ? ['Resources', resource.logicalId, ...path] : path;
  return {
    ruleId: INVALID_SUPPRESSION,
    pack: ENGINE_PACK,
    severity: 'warning',
    message,
    bestPractice: SUPPRESSION_BEST_PRACTICE,
    question: 'OPS02',
    file: template.file,
    line: position.line,
    column: position.column,
    resource: resource?.logicalId ?? '',
    path: formatPath(full),
    docs: ruleDocsUrl({ id: INVALID_SUPPRESSION }),
  };
}
