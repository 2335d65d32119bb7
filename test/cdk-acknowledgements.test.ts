/**
 * CDK acknowledgements (`Validations.of(c).acknowledge({ id: 'opslint::<rule>', reason })`) read from a cloud
 * assembly by `opslint scan cdk.out`: the findings they cover are suppressed with their reason and where they
 * were made, as the CDK plugin suppresses them; a bad one is an invalid-suppression finding. Those made above the
 * stacks (a Stage, the App) the CDK does not write: the plugin and the Aspect record them. Apps synthesized in-process.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import type * as Sarif from 'sarif';
import { Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { OpsAspect, OpsChecks } from '../lib/cdk';
import { OpsNagPack } from '../lib/cdk/nag';
import { scanPaths } from '../lib/compose';
import type { Finding, ScanReport } from '../lib/engine/finding';
import { getReporter } from '../lib/reporters';
import {
  REASON,
  WORKLOAD_PACKS,
  cfn,
  newApp,
  rows,
  setUpCdkTests,
  stagedApp,
  synth,
  workload,
} from './helpers/cdk-apps';

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
      // a finding about the whole stack is on the stack
      'stack-owner-tag Prod/Api',
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
    // an error, as it fails `cdk synth`
    expect(invalid).toMatchObject({
      severity: 'error',
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
        'Acknowledgement of opslint::lambda-tracin at Prod/Api/Worker names no opslint rule (did you mean "lambda-tracing"?); `opslint rules` lists them.',
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

describe('acknowledgements above the stacks, recorded by the CDK integrations', () => {
  /** The staged app with acknowledgements on a Stage, the App, and a construct holding a stack; synthesized with `check`. */
  const synthesize = (check: 'plugin' | 'aspect' | 'none', acknowledge = true) => {
    const { app, dev, prod } = stagedApp();
    if (acknowledge) {
      Validations.of(dev).acknowledge({ id: 'opslint::alarm-actions', reason: REASON });
      Validations.of(app).acknowledge({ id: 'opslint::vpc-flow-logs', reason: REASON });
      // a bad one at a Stage, and one of another plugin
      Validations.of(prod).acknowledge(
        { id: 'opslint::lambda-tracing', reason: 'n/a' },
        { id: 'other::alarm-coverage', reason: REASON },
      );
    }
    const group = new Construct(prod, 'Group');
    workload(group, 'Batch');
    if (acknowledge) Validations.of(group).acknowledge({ id: 'opslint::alarm-coverage', reason: REASON });
    // failOn none: the app synthesizes, as it would once the findings are acknowledged
    if (check === 'plugin') Validations.of(app).addPlugins(new OpsChecks({ failOn: 'none' }));
    if (check === 'aspect') OpsAspect.applyTo(app, { failOn: 'none' });
    // both fail synthesis on the bad acknowledgement at a Stage (fatal): the assembly is written and recorded before
    const { error } = synth(app);
    expect(error?.message).toEqual(
      check !== 'none' && acknowledge
        ? expect.stringContaining('FATAL Acknowledgement of opslint::lambda-tracing at Prod')
        : undefined,
    );
    return { app, scanned: scanPaths([app.outdir], { selection: { packs: [...WORKLOAD_PACKS] } }) };
  };

  const suppressedAt = (r: ScanReport): string[] =>
    r.findings
      .filter((f) => f.suppressed?.source === 'acknowledgement')
      .map((f) => `${f.ruleId} ${f.constructPath} @${f.suppressed!.acknowledgedAt}`)
      .sort();

  const EXPECTED = [
    'alarm-actions Dev/Api/WorkerErrors/Resource @Dev',
    'alarm-coverage Prod/Group/Batch/Handler/Resource @Prod/Group',
    'vpc-flow-logs Dev/Api/Network @',
    'vpc-flow-logs Prod/Api/Network @',
    'vpc-flow-logs Prod/Group/Batch/Network @',
  ];

  it.each(['plugin', 'aspect'] as const)('with %s: the scan of cdk.out excuses what synthesis excused', (check) => {
    const { scanned } = synthesize(check);
    expect(suppressedAt(scanned)).toEqual(EXPECTED);
    // the short reason at a Stage does not apply, and is reported on the first stack it covers
    expect(
      scanned.findings
        .filter((f) => f.ruleId === 'lambda-tracing' && f.suppressed === undefined)
        .map((f) => f.constructPath),
    ).toContain('Prod/Api/Handler/Resource');
    const invalid = scanned.findings.filter((f) => f.ruleId === 'invalid-suppression');
    expect(invalid.map((f) => [f.constructPath, f.message])).toEqual([
      [
        'Prod',
        'Acknowledgement of opslint::lambda-tracing at Prod needs a reason of at least 10 characters (got "n/a"); it does not apply.',
      ],
    ]);
    expect(scanned.errors).toEqual([]);
  });

  it('with the cdk-nag pack: its ids made on a Stage are recorded too', () => {
    const { app, dev } = stagedApp();
    Validations.of(dev).acknowledge({ id: 'Ops-alarm-actions', reason: REASON });
    Validations.of(app).addPlugins(new OpsNagPack(app, { failOn: 'none' }));
    synth(app);
    const scanned = scanPaths([app.outdir], { selection: { packs: [...WORKLOAD_PACKS] } });
    expect(suppressedAt(scanned)).toEqual(['alarm-actions Dev/Api/WorkerErrors/Resource @Dev']);
  });

  it('reads the ids of the cdk-nag pack: Ops-<rule> for a construct and below, Ops-<rule>[<logical id>] for one resource', () => {
    const { app, devApi } = stagedApp();
    const handler = cfn(devApi.handler).logicalId;
    Validations.of(devApi.stack).acknowledge(
      { id: `Ops-lambda-tracing[${handler}]`, reason: REASON },
      { id: 'Ops-alarm-coverage[Elsewhere1234ABCD]', reason: REASON },
    );
    Validations.of(devApi.workerErrors).acknowledge({ id: 'Ops-alarm-actions', reason: REASON });
    app.synth();
    const scanned = scanPaths([app.outdir], { selection: { packs: [...WORKLOAD_PACKS] } });
    expect(suppressedAt(scanned)).toEqual([
      'alarm-actions Dev/Api/WorkerErrors/Resource @Dev/Api/WorkerErrors',
      'lambda-tracing Dev/Api/Handler/Resource @Dev/Api',
    ]);
    expect(scanned.findings.filter((f) => f.ruleId === 'invalid-suppression')).toEqual([]);
  });

  it('without an opslint integration in the synthesis, nothing is recorded (acknowledge on the stacks then)', () => {
    const { app, scanned } = synthesize('none');
    expect(existsSync(path.join(app.outdir, 'opslint.acknowledgements.json'))).toBe(false);
    expect(suppressedAt(scanned).filter((s) => !s.startsWith('alarm-coverage'))).toEqual([]);
  });

  it.each(['plugin', 'aspect', 'nag'] as const)(
    'with %s under App({ confirmValidationPluginsDoNotMutate }): a record that would change is left and reported, and synthesis goes on',
    (check) => {
      /** The staged app in `outdir`, the Stage Dev acknowledging `reason` if any, synthesized with `check`. */
      const synthesize = (outdir: string | undefined, reason: string | undefined) => {
        const { app, dev } = stagedApp({ outdir, confirmValidationPluginsDoNotMutate: true });
        if (reason) Validations.of(dev).acknowledge({ id: 'opslint::alarm-actions', reason });
        if (check === 'plugin') Validations.of(app).addPlugins(new OpsChecks({ failOn: 'none' }));
        if (check === 'aspect') OpsAspect.applyTo(app, { failOn: 'none' });
        if (check === 'nag') Validations.of(app).addPlugins(new OpsNagPack(app, { failOn: 'none' }));
        const synthesized = synth(app);
        expect(synthesized.error).toBeUndefined();
        const plugin = check === 'plugin' ? 'opslint' : check === 'aspect' ? 'opslint-aspect' : 'opslint-nag';
        const stale = rows(synthesized.report, plugin).filter((r) => r.rule.endsWith('acknowledgements-not-recorded'));
        return { outdir: app.outdir, stale };
      };
      const first = synthesize(undefined, REASON);
      const record = path.join(first.outdir, 'assembly-Dev', 'opslint.acknowledgements.json');
      const written = readFileSync(record, 'utf8');
      expect(JSON.parse(written).acknowledgements).toEqual([
        { id: 'opslint::alarm-actions', reason: REASON, at: 'Dev' },
      ]);
      // the same acknowledgements again: the record is the app's, nothing to say
      expect(synthesize(first.outdir, REASON).stale).toEqual([]);
      // another reason, then none: the CDK would fail synthesis had the record changed or gone
      for (const reason of [`${REASON} (changed)`, undefined]) {
        const { stale } = synthesize(first.outdir, reason);
        expect(readFileSync(record, 'utf8')).toBe(written);
        expect(stale.map((r) => [r.rule, r.severity, r.path])).toEqual([
          [`${check === 'nag' ? 'Ops-' : ''}acknowledgements-not-recorded`, 'warning', ''],
        ]);
        expect(stale[0].description).toContain(path.relative(process.cwd(), record));
      }
    },
  );

  it('a synthesis without them removes an earlier record; a malformed record is an input error and the stacks are still scanned', () => {
    const { app } = synthesize('plugin', false);
    const record = path.join(app.outdir, 'assembly-Dev', 'opslint.acknowledgements.json');
    expect(existsSync(record)).toBe(false);
    writeFileSync(record, '{\n  "acknowledgements": [\n    { "id": "opslint::alarm-actions" }\n  ]\n}\n');
    const scanned = scanPaths([app.outdir], { selection: { packs: [...WORKLOAD_PACKS] } });
    expect(scanned.errors.map((e) => [path.relative(app.outdir, e.file), e.line, e.column])).toEqual([
      [path.join('assembly-Dev', 'opslint.acknowledgements.json'), 3, 5],
    ]);
    expect(scanned.errors[0].message).toMatch(/^invalid record of CDK acknowledgements/);
    expect(scanned.findings.some((f) => f.constructPath === 'Dev/Api/WorkerErrors/Resource')).toBe(true);
  });
});

describe("the CDK's alias of an acknowledgement id", () => {
  // aws-cdk-lib ≥ 2.278 prints the Aspect's warnings with `Acknowledge with 'Annotation::opslint_<rule>'`
  it.each(['Annotation::opslint_lambda-tracing', 'annotation::opslint_lambda-tracing'])(
    '%s acknowledges the rule under the Aspect, the plugin and the scan of cdk.out',
    (id) => {
      for (const check of ['aspect', 'plugin'] as const) {
        const app = newApp();
        const api = workload(app, 'Api');
        Validations.of(api.stack).acknowledge({ id, reason: REASON });
        if (check === 'plugin') Validations.of(app).addPlugins(new OpsChecks({ failOn: 'none' }));
        else OpsAspect.applyTo(app, { failOn: 'none' });
        const { error, report } = synth(app);
        expect(error).toBeUndefined();
        if (check === 'plugin') {
          // the CDK does not match its alias to the plugin's violations: the plugin leaves the finding out, and says so
          const reported = rows(report);
          expect(reported.filter((r) => r.rule === 'lambda-tracing')).toEqual([]);
          expect(reported.filter((r) => r.rule === 'acknowledged-findings').map((r) => r.description)).toEqual([
            expect.stringContaining(`opslint::lambda-tracing at Api ("${REASON}")`),
          ]);
        } else {
          const texts = Annotations.fromStack(api.stack)
            .findInfo('/Api/Handler/Resource', Match.stringLikeRegexp('^Acknowledged'))
            .map((m) => String(m.entry.data));
          expect(texts).toEqual([expect.stringContaining('does not send traces to X-Ray')]);
        }
        const scanned = scanPaths([app.outdir], { selection: { packs: ['tracing'] } });
        expect(scanned.findings.map((f) => [f.ruleId, f.constructPath, f.suppressed?.source])).toEqual([
          ['lambda-tracing', 'Api/Handler/Resource', 'acknowledgement'],
        ]);
      }
    },
  );
});
