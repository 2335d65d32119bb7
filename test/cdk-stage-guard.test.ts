/**
 * What `OpsChecks` adds about the checking itself, on one app synthesized in-process: the Stage guard
 * (findings-in-stages), which no acknowledgement hides and whose text fits `cdk synth` with or without '**';
 * a bad acknowledgement made at a Stage, reported where CDK prints it; and the line naming what was acknowledged.
 *
 * The CLI prints a violation only when its construct path is empty (the app) or inside a stack it shows, so
 * "printed by plain `cdk synth`" is asserted as "at the app" (constructPath '').
 */
import { Validations } from 'aws-cdk-lib';
import { OpsChecks } from '../lib/cdk';
import {
  REASON,
  type Row,
  type Synthesized,
  only,
  pairs,
  rows,
  setUpCdkTests,
  stagedApp,
  synth,
} from './helpers/cdk-apps';

setUpCdkTests();

let result: Synthesized;
let found: Row[];

beforeAll(() => {
  const { app, dev, prod } = stagedApp();
  // an acknowledgement of the guard itself: it must not hide the blocking findings in Dev and Prod
  Validations.of(app).acknowledge({ id: 'opslint::findings-in-stages', reason: REASON });
  // a reason too short, at a Stage: Dev's alarm-actions finding stays open
  Validations.of(dev).acknowledge({ id: 'opslint::alarm-actions', reason: 'todo' });
  // a good one, at a Stage: both Lambda functions of Prod (one in a nested stack) are untraced
  Validations.of(prod).acknowledge({ id: 'opslint::lambda-tracing', reason: REASON });
  Validations.of(app).addPlugins(new OpsChecks());
  result = synth(app);
  found = rows(result.report);
});

describe('findings-in-stages', () => {
  it('is fatal, so CDK applies no acknowledgement to it and prints no acknowledgement id for it', () => {
    const guard = only(found, 'findings-in-stages', '');
    expect(guard.severity).toBe('fatal');
    expect(guard.description).toMatch(
      /^2 finding\(s\) at or above "error" in stacks inside Stages \(Dev-Api, Prod-Api\)\. /,
    );
    expect(rows(result.report, 'opslint', 'suppressedViolations').map((r) => r.rule)).not.toContain(
      'findings-in-stages',
    );
    // in-process, the report CDK prints is the message of the error synth throws
    expect(result.error?.message).toMatch(/^FATAL 2 finding\(s\) at or above "error" in stacks inside Stages/m);
    expect(result.error?.message).toContain('Rule opslint::findings-in-stages');
    expect(result.error?.message).not.toContain("Acknowledge with 'opslint::findings-in-stages'");
  });

  it('says the same thing whether or not the stacks in Stages were listed', () => {
    const { description } = only(found, 'findings-in-stages', '');
    // no instruction to run the command that may be the one that printed it
    expect(description).not.toMatch(/run `cdk synth '\*\*'`/);
    expect(description).toContain('`cdk synth` without stack names lists only top-level stacks;');
    expect(description).toContain("`cdk synth '**'` lists each of these findings under its stack");
  });

  it('is not a rule an acknowledgement may name: acknowledging it is reported, at the app', () => {
    expect(only(found, 'acknowledgement-unknown-rule', '')).toMatchObject({
      severity: 'warning',
      description: expect.stringContaining(
        'Acknowledgement of opslint::findings-in-stages at the app names no opslint rule',
      ),
    });
  });
});

describe('a bad acknowledgement at a Stage', () => {
  it('is reported at the app, which every cdk synth prints, and names the Stage', () => {
    const bad = only(found, 'acknowledgement-reason', '');
    expect(bad.severity).toBe('fatal');
    expect(bad.description).toMatch(/^Acknowledgement of opslint::alarm-actions at Dev needs a reason of at least 10/);
    expect(pairs(found).filter((p) => p.startsWith('acknowledgement-'))).toEqual([
      'acknowledgement-reason ',
      'acknowledgement-unknown-rule ',
    ]);
  });
});

describe('the acknowledged findings', () => {
  it('are named in one info line at the app, with where and why they were acknowledged', () => {
    // CDK also moves Dev's alarm-actions finding there: it does not know about reasons, the fatal violation does
    const suppressed = rows(result.report, 'opslint', 'suppressedViolations');
    expect(pairs(suppressed)).toEqual([
      'alarm-actions Dev/Api/WorkerErrors/Resource',
      'lambda-tracing Prod/Api/Handler/Resource',
      'lambda-tracing Prod/Api/Jobs/Job/Resource',
    ]);
    expect(only(found, 'acknowledged-findings', '')).toMatchObject({
      severity: 'info',
      description: `2 finding(s) acknowledged: opslint::lambda-tracing at Prod ("${REASON}") for 2 findings.`,
    });
  });

  it('leave out an acknowledgement that excuses nothing (a reason too short, a rule that is not one)', () => {
    expect(only(found, 'acknowledged-findings', '').description).not.toMatch(/alarm-actions|findings-in-stages/);
  });
});
