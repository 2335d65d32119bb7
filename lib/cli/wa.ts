/**
 * `opslint wa`: a scan's evidence for the Operational Excellence questions of a Well-Architected review.
 * `wa report` writes it offline, as JSON or Markdown; `wa sync` writes it into a workload's review (lib/wa).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { BUILTIN_PACKS } from '../compose';
import type { Pack } from '../engine/rule';
import { errorLine } from '../reporters/text';
import { waEvidence } from '../wa/evidence';
import { evidenceJson, evidenceMarkdown } from '../wa/report';
import { EXIT, InputError, UsageError } from '../errors';
import type { ScanReport } from '../engine/finding';
import {
  matchReview,
  planUpdates,
  selectedButFailing,
  type AnswerUpdate,
  type CurrentAnswer,
  type ReviewMatch,
} from '../wa/sync';
import type { WaSession } from '../wa/client';
import { plural } from '../util/words';
import { exitCode, type CliIO } from './io';
import type { WaReportCliOptions, WaSyncCliOptions } from './options';
import { parseMs, requireHttpUrl, scanAsAsked } from './scan';

export async function runWaReport(paths: string[], opts: WaReportCliOptions, io: CliIO): Promise<number> {
  const { format = 'markdown', output, reportUrl, ...scanFlags } = opts;
  await requireHttpUrl('--report-url', reportUrl);
  const destinations = output === undefined ? [] : [{ flag: '--output', file: output }];
  const { scanned, scan } = await scanAsAsked(paths, scanFlags, destinations, io, true);
  noteBaseline(scan.baseline, io);
  const evidence = waEvidence(scanned, { reportUrl, checkedByRules: checkedByRules(scan.packs) });
  const text = format === 'json' ? evidenceJson(evidence) : evidenceMarkdown(evidence);
  if (output === undefined) io.stdout(text);
  else {
    const file = path.resolve(io.cwd, output);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  for (const e of scanned.errors) io.stderr(`${errorLine(e)}\n`);
  // evidence, not a verdict: findings do not fail the command, a scan left incomplete does
  return exitCode({ errors: scanned.errors.length, findings: scanned.findings }, 'none');
}

export async function runWaSync(paths: string[], opts: WaSyncCliOptions, io: CliIO): Promise<number> {
  const { workloadId, workload, reportUrl, selectPassing, milestone, dryRun, format = 'text', ...rest } = opts;
  const { region, profile, endpointUrl, requestTimeout, fetchTimeout, ...selection } = rest;
  if (workloadId !== undefined && workload !== undefined)
    throw new UsageError('give only one of --workload-id and --workload');
  if (workloadId === undefined && workload === undefined)
    throw new UsageError('name the workload to update: --workload-id ID or --workload NAME');
  if (format !== 'text' && dryRun !== true) throw new UsageError('--format is for --dry-run: a sync prints one line');
  if (milestone !== undefined && milestone.trim() === '') throw new UsageError('--milestone needs a name');
  await requireHttpUrl('--report-url', reportUrl);
  await requireHttpUrl('--endpoint-url', endpointUrl);
  // region, profile and timeouts serve deployed stacks too; --endpoint-url is the Well-Architected Tool's
  const stacks = (selection.stack ?? []).length > 0 || selection.allStacks === true;
  const { scanned, scan } = await scanAsAsked(
    paths,
    stacks ? { ...selection, region, profile, requestTimeout, fetchTimeout } : selection,
    [],
    io,
    true,
  );
  noteBaseline(scan.baseline, io);
  if (scanned.errors.length > 0) return incomplete(scanned, io);
  const evidence = waEvidence(scanned, { reportUrl, checkedByRules: checkedByRules(scan.packs) });

  const { openWa } = await import('../wa/client');
  const wa = openWa({
    region,
    profile,
    endpointUrl,
    requestTimeoutMs: parseMs('--request-timeout', requestTimeout),
    fetchTimeoutMs: parseMs('--fetch-timeout', fetchTimeout),
  });
  const id = workloadId ?? (await wa.findWorkload(workload!));
  const named = workload !== undefined ? `workload ${workload} (${id})` : `workload ${id}`;
  let match: ReviewMatch;
  try {
    match = matchReview(evidence, await wa.listOpsAnswers(id));
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError((error as Error).message, `workload ${id}`);
  }
  const current = new Map<string, CurrentAnswer>();
  for (const { questionId } of match.questions.values()) current.set(questionId, await wa.getAnswer(id, questionId));
  const updates = planUpdates(evidence, match, current, { selectPassing: selectPassing === true });
  for (const s of selectedButFailing(evidence, match, current))
    io.stderr(
      `opslint: warning: ${s.question} ${s.questionId}: "${s.title}" is selected, but ${plural(s.failed, 'resource')} failed its checks (opslint unselects nothing)\n`,
    );

  if (dryRun === true) {
    io.stdout(format === 'json' ? planJson(id, updates, match, milestone) : planText(named, updates, match, milestone));
    return EXIT.ok;
  }
  await writeUpdates(wa, id, updates);
  const recorded = milestone !== undefined ? await wa.createMilestone(id, milestone) : undefined;
  const said = recorded === 'created' ? `, milestone ${milestone} recorded` : '';
  io.stderr(`opslint: ${named}: ${updates.length} of ${match.questions.size} questions updated${said}\n`);
  if (recorded === 'exists')
    // the answers are written, which is the job done: a failure would only invite a run that cannot change it
    io.stderr(
      updates.length > 0
        ? `opslint: warning: milestone ${milestone} exists already and does not include this update; record a milestone of another name to keep it\n`
        : `opslint: milestone ${milestone} exists already; this run changed nothing in the review\n`,
    );
  return EXIT.ok;
}

/**
 * The updates, one UpdateAnswer per question. A failure partway leaves the questions before it written: the
 * error says how many, and that a run again is safe, as it writes only what differs.
 */
async function writeUpdates(wa: WaSession, id: string, updates: readonly AnswerUpdate[]): Promise<void> {
  for (const [done, u] of updates.entries()) {
    try {
      await wa.updateAnswer(id, u.questionId, {
        ...(u.notes !== undefined ? { notes: u.notes } : {}),
        ...(u.choiceNotes !== undefined ? { choiceNotes: u.choiceNotes } : {}),
        ...(u.selectedChoices !== undefined ? { selectedChoices: u.selectedChoices } : {}),
      });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      throw new InputError(
        `${error.message}; ${u.question} (${u.questionId}) not updated, ${done} of ${updates.length} questions updated before it; running again is safe: it writes only what differs`,
        error.file,
      );
    }
  }
}

/** The best practices a rule checks, of the built-in packs (all, whatever the scan loaded) and the scan's. */
function checkedByRules(packs: readonly Pack[]): Set<string> {
  return new Set([...BUILTIN_PACKS, ...packs].flatMap((p) => p.rules.map((r) => r.bestPractice)));
}

/**
 * The evidence stands for the whole workload: a baseline in the configuration (for `opslint scan` in CI, where
 * only new findings fail a build) is not applied, which a line says, rather than failing a configuration shared
 * by both commands.
 */
function noteBaseline(baseline: string | undefined, io: CliIO): void {
  if (baseline !== undefined)
    io.stderr(
      `opslint: note: the baseline ${baseline} of the configuration is not applied: the evidence stands for every finding\n`,
    );
}

/** A scan that could not read all its inputs: the errors, and nothing written (the evidence would be partial). */
function incomplete(scanned: ScanReport, io: CliIO): number {
  for (const e of scanned.errors) io.stderr(`${errorLine(e)}\n`);
  io.stderr(`opslint: ${scanned.errors.length} input(s) could not be read: nothing written to the review\n`);
  return exitCode({ errors: scanned.errors.length, findings: [] }, 'none');
}

/** Each choice id of a question with the best practice it stands for. */
function bestPracticeOf(match: ReviewMatch, question: string): Map<string, string> {
  return new Map([...match.questions.get(question)!.choices].map(([bp, choiceId]) => [choiceId, bp]));
}

/** The planned updates, one entry per question with its choices and notes. */
function planJson(
  workloadId: string,
  updates: readonly AnswerUpdate[],
  match: ReviewMatch,
  milestone: string | undefined,
): string {
  const entries = updates.map((u) => {
    const bp = bestPracticeOf(match, u.question);
    const choices = new Set([...Object.keys(u.choiceNotes ?? {}), ...(u.selecting ?? [])]);
    return {
      question: u.question,
      questionId: u.questionId,
      ...(u.notes !== undefined ? { notes: u.notes } : {}),
      choices: [...choices].map((choiceId) => ({
        choiceId,
        bestPractice: bp.get(choiceId) ?? null,
        ...(u.choiceNotes?.[choiceId] !== undefined ? { notes: u.choiceNotes[choiceId] } : {}),
        // what opslint would select; the reviewers' own selection stays as it is
        ...(u.selecting?.includes(choiceId) ? { selected: true } : {}),
      })),
    };
  });
  return `${JSON.stringify(
    { workloadId, dryRun: true, updates: entries, ...(milestone !== undefined ? { milestone } : {}) },
    null,
    2,
  )}\n`;
}

/** The planned updates as text: per question what would be written. */
function planText(
  named: string,
  updates: readonly AnswerUpdate[],
  match: ReviewMatch,
  milestone: string | undefined,
): string {
  const lines = [`${named}: ${updates.length} of ${match.questions.size} questions would be updated (dry run)`];
  // CreateMilestone refuses a name the workload has: then the milestone would not include the update
  if (milestone !== undefined)
    lines.push(`then milestone ${milestone} would be recorded, unless the workload has one of that name already`);
  for (const u of updates) {
    const bp = bestPracticeOf(match, u.question);
    lines.push('', `${u.question} (${u.questionId})`);
    if (u.notes !== undefined) lines.push('  question notes:', ...u.notes.split('\n').map((l) => `    ${l}`));
    for (const [choiceId, notes] of Object.entries(u.choiceNotes ?? {}))
      lines.push(`  ${bp.get(choiceId) ?? choiceId} (${choiceId}) notes:`, ...notes.split('\n').map((l) => `    ${l}`));
    for (const choiceId of u.selecting ?? []) lines.push(`  selected: ${bp.get(choiceId) ?? choiceId} (${choiceId})`);
  }
  return `${lines.join('\n')}\n`;
}
