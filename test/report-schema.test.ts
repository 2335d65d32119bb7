/**
 * The JSON report's contract: `opslint scan --format json` output, from inputs that bring out every optional key
 * (input errors, fixes, reminders that need context, assumptions, suppressions, cloud assemblies, a baseline),
 * validates against schema/report.schema.json, and carries the contract's version.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import { REPORT_SCHEMA_VERSION, type ScanReport } from '../lib';
import { REPO, runCli } from '../scripts/support/cli';

const schema = JSON.parse(readFileSync(path.join(REPO, 'schema', 'report.schema.json'), 'utf8')) as {
  properties: { schemaVersion: { const: number } };
};

/**
 * The schema with no room for other keys: the published one leaves room for keys a later release adds, but the
 * reports of this one must have no key the schema does not list.
 */
function closed(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closed);
  if (typeof node !== 'object' || node === null) return node;
  const out = Object.fromEntries(
    Object.entries(node).map(([k, v]) => [
      k,
      k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, closed(s)])) : closed(v),
    ]),
  );
  return 'properties' in out ? { ...out, additionalProperties: false } : out;
}
const validate = new Ajv({ allErrors: true, strict: true }).compile(closed(schema) as object);
const published = new Ajv({ allErrors: true, strict: true }).compile(schema);

type Report = ScanReport & { schemaVersion: number };

let dir: string;
const reports: Report[] = [];

/** `opslint scan … --format json`, parsed; the exit code is the scan's business here. */
async function scan(...args: string[]): Promise<Report> {
  const { stdout } = await runCli(['scan', ...args, '--format', 'json']);
  const report = JSON.parse(stdout) as Report;
  reports.push(report);
  return report;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'opslint-report-schema-'));
  await scan('fixtures/cli/workload', 'examples/templates', 'fixtures/reports');
  await scan(
    'fixtures/configuration/config-recorder-present/fail-assembly-without-recorder',
    'fixtures/patching/instance-patching/fail-assembly-not-targeted',
  );
  await scan('fixtures/alarms/alarm-coverage/fail-alarms-under-default-condition.yaml');
  // a baseline that knows one finding more than the scan gives: summary.baseline lists it as fixed
  const baseline = path.join(dir, 'baseline.json');
  await runCli(['scan', 'examples/templates/orders-service.yaml', '--write-baseline', baseline]);
  const written = JSON.parse(readFileSync(baseline, 'utf8')) as { findings: { file: string }[] };
  const gone = { ...written.findings[0], resource: 'Gone', path: 'Resources.Gone' };
  writeFileSync(baseline, JSON.stringify({ ...written, findings: [...written.findings, gone] }));
  await scan('examples/templates/orders-service.yaml', '--baseline', baseline);
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the JSON report', () => {
  it('validates against schema/report.schema.json', () => {
    for (const report of reports) {
      validate(report);
      expect(validate.errors ?? []).toEqual([]);
    }
  });

  it('brings out every optional key of the contract in these reports', () => {
    const findings = reports.flatMap((r) => r.findings);
    for (const key of ['stack', 'constructPath', 'environment', 'suppressed', 'fix', 'needsContext', 'assumptions']) {
      expect([key, findings.some((f) => key in f)]).toEqual([key, true]);
    }
    expect(reports.some((r) => r.errors.some((e) => e.line !== undefined))).toBe(true);
    expect(reports.some((r) => (r.summary.baseline?.fixed.length ?? 0) > 0)).toBe(true);
  });

  it('starts with the version of its contract, the one the schema states', () => {
    expect(REPORT_SCHEMA_VERSION).toBe(1);
    expect(schema.properties.schemaVersion.const).toBe(REPORT_SCHEMA_VERSION);
    for (const report of reports)
      expect(Object.keys(report)).toEqual(['schemaVersion', 'findings', 'errors', 'summary']);
  });

  it('is refused by the schema without its version, or with a finding key the schema does not declare', () => {
    const [report] = reports;
    const { schemaVersion, ...unversioned } = report;
    expect(schemaVersion).toBe(1);
    expect(validate(unversioned)).toBe(false);
    expect(validate({ ...report, schemaVersion: 2 })).toBe(false);
    expect(validate({ ...report, findings: [{ ...report.findings[0], severityLevel: 3 }] })).toBe(false);
    expect(validate({ ...report, findings: [{ ...report.findings[0], line: 0 }] })).toBe(false);
  });

  it('as published, takes a report with a key a later release adds, and not one without a key it requires', () => {
    const [report] = reports;
    expect(published(report)).toBe(true);
    expect(published({ ...report, findings: [{ ...report.findings[0], severityLevel: 3 }], timing: {} })).toBe(true);
    const { docs: _docs, ...withoutDocs } = report.findings[0];
    expect(published({ ...report, findings: [withoutDocs] })).toBe(false);
  });
});
