/**
 * Needs-context reminders, grouped once per rule for every output that lists findings. A rule that needs an
 * account baseline or the whole app (`context`) reminds in every template it cannot judge, most often on its
 * `Resources:` line: one template in a folder of ten gives the same reminder ten times.
 */
import { isActive, type Finding } from '../engine/finding';

/** The active reminders of one rule. */
export interface ReminderGroup {
  readonly ruleId: string;
  /** in the order of the findings given; the first speaks for the group (its message and needsContext) */
  readonly findings: readonly Finding[];
  /** the distinct files they are in, in the same order */
  readonly files: readonly string[];
}

/**
 * Splits findings into those listed one by one and the reminders (findings with `needsContext` that are not
 * suppressed: a suppressed one is listed with its reason like any other), grouped by rule in the order each rule
 * first appears.
 */
export function groupReminders(findings: readonly Finding[]): {
  findings: Finding[];
  reminders: ReminderGroup[];
} {
  const others: Finding[] = [];
  const groups = new Map<string, { ruleId: string; findings: Finding[]; files: Set<string> }>();
  for (const f of findings) {
    if (f.needsContext === undefined || !isActive(f)) {
      others.push(f);
      continue;
    }
    const group = groups.get(f.ruleId) ?? { ruleId: f.ruleId, findings: [], files: new Set<string>() };
    group.findings.push(f);
    group.files.add(f.file);
    groups.set(f.ruleId, group);
  }
  return {
    findings: others,
    reminders: [...groups.values()].map((g) => ({ ruleId: g.ruleId, findings: g.findings, files: [...g.files] })),
  };
}
