/**
 * Suppressions written in templates: `Metadata: { opslint: { suppress: [ { id, reason, expires? } ] } }` on a
 * resource (its findings) or at the template's top level (all its findings). A suppression needs a reason
 * (at least `minReasonLength` characters); without one it does not apply and is itself reported, as is one
 * that names no rule or a rule the configuration does not let anyone suppress. After `expires` (an ISO date)
 * the finding comes back and says the suppression expired. A suppressed finding stays in the report, marked,
 * and does not count.
 */
import type { Assembly } from '../assembly/model';
import { isPlainObject } from '../template/intrinsics';
import type { Resource, Template } from '../template/model';
import { formatPath, type JsonPath } from '../template/path';
import { ENGINE_PACK, type Finding, type Suppression } from './finding';
import { ruleDocsUrl } from './rule';

export const INVALID_SUPPRESSION = 'invalid-suppression';
/** Exceptions are a request-for-exception mechanism: OPS02-BP05. */
const SUPPRESSION_BEST_PRACTICE = 'OPS02-BP05';
export const DEFAULT_MIN_REASON_LENGTH = 10;

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
  const min = options.minReasonLength ?? DEFAULT_MIN_REASON_LENGTH;
  const unsuppressible = new Set(options.unsuppressible ?? []);
  const out: Finding[] = [];
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = byFile.get(f.file);
    if (list) list.push(f);
    else byFile.set(f.file, [f]);
  }

  const handled = new Set<Finding>();
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
        if (!options.knownRules.has(id))
          return problem(`Suppression of ${id} names no opslint rule; \`opslint rules\` lists them.`);
        if (unsuppressible.has(id))
          return problem(
            `Rule ${id} may not be suppressed (configuration: suppressions.unsuppressible); the suppression does not apply.`,
          );
        if (reason.length < min)
          return problem(
            `Suppression of ${id} needs a reason of at least ${min} characters (got "${reason}"); it does not apply.`,
          );
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
      handled.add(f);
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
  for (const f of findings) if (!handled.has(f)) out.push(f);
  return out;
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
