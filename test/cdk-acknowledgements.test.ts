/**
 * CDK acknowledgements (`Validations.of(c).acknowledge({ id: 'opslint::<rule>', reason })`) read from a cloud
 * assembly by `opslint scan cdk.out`: the findings they cover are suppressed with their reason and where they
 * were made, as the CDK plugin suppresses them; a bad one is an invalid-suppression finding. One app,
 * synthesized once in-process.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import type * as Sarif from 'sarif';
import { Validations } from 'aws-cdk-lib';
import { scanPaths } from '../lib/compose';
import type { Finding, ScanReport } from '../lib/engine/finding';
import { getReporter } from '../lib/reporters';
import { REASON, WORKLOAD_PACKS, cfn, setUpCdkTests, stagedApp } from './helpers/cdk-apps';

setUpCdkTests();

let report: ScanReport;
let logicalIds: { devNetwork: string; prodWorker: string };

beforeAll(() => {
  const { app, dev, devApi, prodApi } = stagedApp();
  // a construct: the rule on it (and below it) only
  Validations.of(devApi.handler).acknowledge({ id: 'opslint::alarm-coverage', reason: REASON });
  // a stack: every finding of the rule in it, its nested stack included, and those about the stack itself
  Validations.of(prodApi.stack).acknowledge(
    { id: 'opslint::lambda-tracing', reason: REASON },
    { id: 'opslint::stack-owner-tag', reason: REASON },
  );
  // a Stage: the CDK does not write it into the cloud assembly
  Validations.of(dev).acknowledge({ id: 'opslint::alarm-actions', reason: REASON });
  // bad ones, and one of another plugin
  Validations.of(devApi.network).acknowledge({ id: 'opslint::vpc-flow-logs', reason: 'n/a' });
  Validations.of(prodApi.worker).acknowledge(
    { id: 'opslint::lambda-tracin', reason: REASON },
    { id: 'other::lambda-tracing', reason: REASON },
    // one of the plugin's own checks: the plugin judges it, the scan has nothing to suppress
    { id: 'opslint::unreadable-template', reason: REASON },
  );
  app.synth();
  logicalIds = { devNetwork: cfn(devApi.network).logicalId, prodWorker: cfn(prodApi.worker).logicalId };
  report = scanPaths([app.outdir], { selection: { packs: [...WORKLOAD_PACKS, 'ownership'] } });
});

/** `rule constructPath` of the findings, suppressed or not. */
function pairs(suppressed: boolean): string[] {
  return report.findings
    .filter((f) => (f.suppressed !== undefined) === suppressed && f.constructPath !== undefined)
    .map((f) => `${f.ruleId} ${f.constructPath}`)
    .sort();
}

function only(ruleId: string, constructPath: string): Finding {
  const found = report.findings.filter((f) => f.ruleId === ruleId && f.constructPath === constructPath);
  expect(found).toHaveLength(1);
  return found[0];
}

describe('opslint scan cdk.out with CDK acknowledgements', () => {
  it('suppresses the findings of the acknowledged rule on the construct and in the stack, nested stack included', () => {
    expect(pairs(true)).toEqual([
      'alarm-coverage Dev/Api/Handler/Resource',
      'lambda-tracing Prod/Api/Handler/Resource',
      'lambda-tracing Prod/Api/Jobs/Job/Resource',
    ]);
    expect(only('alarm-coverage', 'Dev/Api/Handler/Resource').suppressed).toEqual({
      reason: REASON,
      source: 'acknowledgement',
      acknowledgedAt: 'Dev/Api/Handler',
    });
    expect(only('lambda-tracing', 'Prod/Api/Jobs/Job/Resource').suppressed).toEqual({
      reason: REASON,
      source: 'acknowledgement',
      acknowledgedAt: 'Prod/Api',
    });
  });

  it('suppresses a finding about a whole stack, located where manifest.json declares it, by the stack acknowledgement', () => {
    const ownerTag = report.findings.filter((f) => f.ruleId === 'stack-owner-tag');
    expect(ownerTag.map((f) => [f.stack, path.basename(f.file), f.suppressed])).toEqual([
      ['Dev-Api', 'manifest.json', undefined],
      ['Prod-Api', 'manifest.json', { reason: REASON, source: 'acknowledgement', acknowledgedAt: 'Prod/Api' }],
    ]);
    expect(report.summary.suppressed).toBe(4);
  });

  it('leaves the other rules on the construct, the same rule elsewhere, and what a Stage acknowledges reported', () => {
    const active = pairs(false);
    expect(active).toContain('lambda-tracing Dev/Api/Handler/Resource');
    expect(active).toContain('alarm-coverage Prod/Api/Handler/Resource');
    // a Stage's acknowledgement is not in the cloud assembly (the CDK writes only those in stacks)
    expect(active).toContain('alarm-actions Dev/Api/WorkerErrors/Resource');
    expect(active).toContain('alarm-actions Prod/Api/WorkerErrors/Resource');
  });

  it('reports an acknowledgement with a short reason, and does not apply it', () => {
    expect(only('vpc-flow-logs', 'Dev/Api/Network').suppressed).toBeUndefined();
    const invalid = only('invalid-suppression', 'Dev/Api/Network');
    expect(invalid).toMatchObject({
      severity: 'warning',
      pack: 'opslint',
      resource: logicalIds.devNetwork,
      path: `Resources.${logicalIds.devNetwork}`,
      message:
        'Acknowledgement of opslint::vpc-flow-logs at Dev/Api/Network needs a reason of at least 10 characters (got "n/a"); it does not apply.',
    });
    // the line of the test that made it
    expect(invalid.source).toMatch(/^test\/cdk-acknowledgements\.test\.ts:\d+:\d+$/);
    expect(invalid.file).toMatch(/DevApi[0-9A-F]+\.template\.json$/);
  });

  it('reports an acknowledgement of a rule that does not exist, and ignores those of other plugins and of the plugin checks', () => {
    const invalid = report.findings.filter((f) => f.ruleId === 'invalid-suppression');
    expect(invalid.map((f) => f.constructPath).sort()).toEqual(['Dev/Api/Network', 'Prod/Api/Worker']);
    expect(only('invalid-suppression', 'Prod/Api/Worker')).toMatchObject({
      resource: logicalIds.prodWorker,
      message:
        'Acknowledgement of opslint::lambda-tracin at Prod/Api/Worker names no opslint rule; `opslint rules` lists them.',
    });
  });

  it('shows the acknowledged findings as suppressed in JSON (valid against the report schema) and SARIF', () => {
    const json = JSON.parse(getReporter('json')!(report, { color: false })) as ScanReport;
    expect(json.findings.filter((f) => f.suppressed?.source === 'acknowledgement')).toHaveLength(4);
    const schema = JSON.parse(
      readFileSync(path.join(__dirname, '..', 'schema', 'report.schema.json'), 'utf8'),
    ) as object;
    const validate = new Ajv({ strict: true }).compile(schema);
    expect(validate(json) ? [] : validate.errors).toEqual([]);

    const log = JSON.parse(getReporter('sarif')!(report, { color: false })) as Sarif.Log;
    const results = log.runs[0].results!;
    const suppressed = results.filter((r) => r.suppressions !== undefined);
    expect(suppressed).toHaveLength(4);
    expect(suppressed.map((r) => r.suppressions)).toEqual(Array(4).fill([{ kind: 'inSource', justification: REASON }]));
  });
});
