/**
 * `opslint wa`: a scan's evidence for the Operational Excellence questions of a Well-Architected review.
 * `wa report` writes it offline, as JSON or Markdown; `wa sync` writes it into a workload's review (lib/wa).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { errorLine } from '../reporters/text';
import { waEvidence } from '../wa/evidence';
import { evidenceJson, evidenceMarkdown } from '../wa/report';
import { EXIT, InputError, UsageError } from '../errors';
import type { ScanReport } from '../engine/finding';
import { matchReview, planUpdates, type AnswerUpdate, type CurrentAnswer, type ReviewMatch } from '../wa/sync';
import { exitCode, type CliIO } from './io';
import type { WaReportCliOptions, WaSyncCliOptions } from './options';
import { parseMs, scanAsAsked } from './scan';

export async function runWaReport(paths: string[], opts: WaReportCliOptions, io: CliIO): Promise<number> {
  const { format = 'markdown', output, reportUrl, ...scanFlags } = opts;
  const destinations = output === undefined ? [] : [{ flag: '--output', file: output }];
  const { scanned, scan } = await scanAsAsked(paths, scanFlags, destinations, io, true);
  noteBaseline(scan.baseline, io);
  const evidence = waEvidence(scanned, { reportUrl });
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
  if ((workloadId === undefined) === (workload === undefined))
    throw new UsageError('name the workload to update: --workload-id ID or --workload NAME');
  if (format !== 'text' && dryRun !== true) throw new UsageError('--format is for --dry-run: a sync prints one line');
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
  const evidence = waEvidence(scanned, { reportUrl });

  const { openWa } = await import('../wa/client');
  const wa = openWa({
    region,
    profile,
    endpointUrl,
    requestTimeoutMs: parseMs('--request-timeout', requestTimeout),
    fetchTimeoutMs: parseMs('--fetch-timeout', fetchTimeout),
  });
  const id = workloadId ?? (await wa.findWorkload(workload!));
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

  if (dryRun === true) {
    io.stdout(format === 'json' ? planJson(id, updates, match) : planText(id, updates, match));
    return EXIT.ok;
  }
  for (const u of updates) {
    await wa.updateAnswer(id, u.questionId, {
      ...(u.notes !== undefined ? { notes: u.notes } : {}),
      ...(u.choiceNotes !== undefined ? { choiceNotes: u.choiceNotes } : {}),
      ...(u.selectedChoices !== undefined ? { selectedChoices: u.selectedChoices } : {}),
    });
  }
  const recorded = milestone !== undefined ? await wa.createMilestone(id, milestone) : undefined;
  const said =
    recorded === 'created'
      ? `, milestone ${milestone} recorded`
      : recorded === 'exists'
        ? `, milestone ${milestone} recorded before`
        : '';
  io.stderr(`opslint: workload ${id}: ${updates.length} of ${match.questions.size} questions updated${said}\n`);
  return EXIT.ok;
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
function planJson(workloadId: string, updates: readonly AnswerUpdate[], match: ReviewMatch): string {
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
  return `${JSON.stringify({ workloadId, dryRun: true, updates: entries }, null, 2)}\n`;
}

/** The planned updates as text: per question what would be written. */
function planText(workloadId: string, updates: readonly AnswerUpdate[], match: ReviewMatch): string {
  const lines = [
    `workload ${workloadId}: ${updates.length} of ${match.questions.size} questions would be updated (dry run)`,
  ];
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
