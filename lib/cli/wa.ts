/**
 * `opslint wa`: a scan's evidence for the Operational Excellence questions of a Well-Architected review.
 * `wa report` writes it offline, as JSON or Markdown (lib/wa).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { errorLine } from '../reporters/text';
import { waEvidence } from '../wa/evidence';
import { evidenceJson, evidenceMarkdown } from '../wa/report';
import { exitCode, type CliIO } from './io';
import type { WaReportCliOptions } from './options';
import { scanAsAsked } from './scan';

export async function runWaReport(paths: string[], opts: WaReportCliOptions, io: CliIO): Promise<number> {
  const { format = 'markdown', output, reportUrl, ...scanFlags } = opts;
  const destinations = output === undefined ? [] : [{ flag: '--output', file: output }];
  const { scanned } = await scanAsAsked(paths, scanFlags, destinations, io);
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
