/**
 * opslint as a CloudFormation Lambda Hook: the function CloudFormation calls before a stack or change-set
 * operation provisions. It reads the proposed template from the request (./request.ts), scans it with the rules,
 * packs and configuration baked in at packaging (the same engine as `opslint scan` and `cdk synth`, template
 * Metadata suppressions included) and answers `FAILED` (`NonCompliant`) when an active finding is at or above
 * `failOn`, `SUCCESS` otherwise. Findings that need context never fail a deployment: the hook sees one stack, not
 * the account. What the hook's `FailureMode` does with `FAILED` is CloudFormation's to decide (`WARN` lets the
 * operation go on with the message as a warning); the handler answers the same in both modes.
 *
 * Anything that keeps the handler from judging the template (a request it cannot read, a payload it cannot
 * fetch, a template that does not parse, a rule that throws, a configuration that does not load) is `FAILED`
 * with `InternalFailure` and a message saying what went wrong: never `SUCCESS`, so it never passes silently
 * where the hook fails operations.
 *
 * Targets: stack and change-set operations, whose requests carry the whole template. A resource-level request
 * (a hook configured with `RESOURCE` or `CLOUD_CONTROL` targets) carries one resource's properties without its
 * stack, and opslint's rules judge a resource with its stack (the alarms that watch it, who invokes it, its
 * deletion policy and the stack's other resources): judged alone, most would be false findings. It is answered
 * `SUCCESS` with a note saying it was not checked.
 */
import { loneStackAssembly } from '../assembly/model';
import { BUILTIN_PACKS } from '../compose';
import { configureRules, type RuleSelection } from '../engine/config';
import {
  atOrAbove,
  INTERNAL_ERROR,
  isActive,
  SEVERITIES,
  type FailOn,
  type Finding,
  type ScanReport,
} from '../engine/finding';
import type { ConfiguredRule } from '../engine/runner';
import type { Pack } from '../engine/rule';
import type { SuppressionOptions } from '../engine/suppress';
import { InputError } from '../errors';
import { printable } from '../reporters/escape';
import { scanNow, type ScanOptions } from '../scan';
import { stackLocation } from '../sources/location';
import { memorySource } from '../sources/memory';
import { unwrap } from '../packs/load';
import { loadYamlPack } from '../packs/yaml';
import { templateFromText } from '../template/load';
import { plural } from '../util/words';
import {
  fetchPayload,
  HookRequestError,
  MESSAGE_LIMIT,
  parseRequest,
  requestToken,
  stackOfArn,
  type HookRequest,
  type HookResponse,
} from './request';

/** What the handler is configured with: the configuration file and command line, as `opslint hook package` read them. */
export interface HookSettings {
  /** the lowest severity that fails the operation (default `error`) */
  readonly failOn?: FailOn;
  readonly selection?: RuleSelection;
  /** parameter values for the templates checked (CloudFormation sends none: defaults are used otherwise) */
  readonly parameters?: Readonly<Record<string, string>>;
  readonly accountBaseline?: readonly string[];
  readonly suppressions?: Omit<SuppressionOptions, 'knownRules'>;
  readonly load?: ScanOptions['load'];
  /** how long fetching the template from its payload URL may take (default 10 s, of the 30 s a hook waits) */
  readonly fetchTimeoutMs?: number;
}

export type HookHandler = (event: unknown) => Promise<HookResponse>;

const DEFAULT_FETCH_TIMEOUT_MS = 10_000;

/**
 * A team pack as `opslint hook package` bakes it into the function: a module (bundled, required when the function
 * starts, so that one that throws is an answer rather than a crash of the function), or a rules file's text with
 * its name.
 */
export type BakedPack =
  { readonly module: string; readonly exported: () => unknown } | { readonly rulesFile: string; readonly text: string };

/** A handler, and why it cannot judge anything when its packs or configuration did not load. */
export type StartedHandler = HookHandler & { readonly startupError?: string };

/** The handler the packaged function exports: the built-in packs and the team's, configured by `settings`. */
export function hookHandler(team: readonly BakedPack[], settings: HookSettings): StartedHandler {
  return createHandler(() => [...BUILTIN_PACKS, ...team.map(loadBaked)], settings);
}

function loadBaked(baked: BakedPack): Pack {
  if ('rulesFile' in baked) return loadYamlPack(baked.rulesFile, baked.rulesFile, baked.text);
  try {
    return unwrap(baked.exported()) as Pack;
  } catch (error) {
    throw new Error(`pack ${baked.module} failed to load: ${firstLine(error)}`, { cause: error });
  }
}

/**
 * A handler over `packs`. The packs are loaded and the rules configured once, when the function starts; a pack or
 * a configuration that does not load makes every answer an `InternalFailure` that says why (its detail in the
 * function's log), and is the handler's `startupError`, which `opslint hook package` checks.
 */
export function createHandler(
  packs: readonly Pack[] | (() => readonly Pack[]),
  settings: HookSettings,
): StartedHandler {
  let loaded: readonly Pack[];
  let rules: readonly ConfiguredRule[];
  try {
    loaded = typeof packs === 'function' ? packs() : packs;
    rules = configureRules(loaded, settings.selection);
  } catch (error) {
    const why = printable(`opslint could not load its configuration: ${firstLine(error)}`);
    logError(why, error);
    return Object.assign(async (event: unknown) => internalFailure(requestToken(event), why), { startupError: why });
  }
  return async (event) => {
    const token = requestToken(event);
    try {
      return await handle(parseRequest(event), loaded, rules, settings);
    } catch (error) {
      const why =
        error instanceof InputError
          ? `opslint could not read the template: ${error.format()}`
          : error instanceof HookRequestError
            ? `opslint could not check the template: ${error.message}`
            : // a bug of opslint's own: still an answer, never a silent pass
              `opslint failed: ${firstLine(error)}`;
      logError(why, error);
      return internalFailure(token, printable(why));
    }
  };
}

/**
 * The detail of what kept the handler from judging, on standard error: Lambda writes it to the function's log
 * group, where the one-line answer cannot hold a stack.
 */
function logError(why: string, error: unknown): void {
  // eslint-disable-next-line no-console -- Lambda's console.error is the function's log, at level ERROR in JSON format
  console.error(why, error instanceof Error ? (error.stack ?? error.message) : error);
}

function firstLine(error: unknown): string {
  const message = error instanceof InputError ? error.format() : error instanceof Error ? error.message : String(error);
  return message.split('\n')[0];
}

async function handle(
  request: HookRequest,
  packs: readonly Pack[],
  rules: readonly ConfiguredRule[],
  settings: HookSettings,
): Promise<HookResponse> {
  const token = request.clientRequestToken;
  const { target } = request;
  if (target.kind === 'resource')
    return success(
      token,
      `opslint checks whole templates (stack and change-set operations): ${target.type} ${target.logicalId} was not checked on its own.`,
    );
  const deleting = request.invocationPoint === 'DELETE_PRE_PROVISION';
  if (deleting) return success(token, 'opslint: nothing to check, the stack is being deleted.');
  const payload = await fetchPayload(target.payloadUrl, settings.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS);
  if (!payload.template) throw new HookRequestError('the payload holds no template');
  const report = evaluate(payload.template, request, packs, rules, settings);
  return answer(token, report, settings.failOn ?? 'error', stackName(request));
}

/** The stack a request is about: a stack request names it, a change set's stack is in its stack ARN. */
function stackName(request: HookRequest): string {
  const fromArn = stackOfArn(request.stackId).name;
  if (request.target.kind === 'stack' && request.target.logicalId !== '') return request.target.logicalId;
  return fromArn ?? 'unknown-stack';
}

/** The report of the rules over the proposed template, as one stack of the account and region of the request. */
function evaluate(
  text: string,
  request: HookRequest,
  packs: readonly Pack[],
  rules: readonly ConfiguredRule[],
  settings: HookSettings,
): ScanReport {
  const region = stackOfArn(request.stackId).region;
  const name = stackName(request);
  const file = stackLocation(region, name);
  const pseudo: Record<string, string> = {
    'AWS::StackName': name,
    ...(region !== undefined ? { 'AWS::Region': region } : {}),
    ...(request.accountId !== undefined ? { 'AWS::AccountId': request.accountId } : {}),
    ...(request.stackId !== undefined ? { 'AWS::StackId': request.stackId } : {}),
  };
  const template = templateFromText(text, file, {
    ...settings.load,
    parameters: { ...settings.parameters, ...pseudo },
    explicit: true,
  })!;
  const assembly = loneStackAssembly({
    id: request.stackId ?? file,
    stackName: name,
    environment: { account: request.accountId, region },
    stages: [],
    tags: {},
    template,
  });
  return scanNow([memorySource([{ assembly, errors: [] }])], {
    packs,
    rules,
    accountBaseline: settings.accountBaseline,
    suppressions: settings.suppressions ?? {},
    // the stack of what a rule threw, for the function's log
    debug: true,
  });
}

/** The verdict on a report: a rule that failed is an `InternalFailure`, a finding at or above `failOn` is `NonCompliant`. */
function answer(token: string, report: ScanReport, failOn: FailOn, stack: string): HookResponse {
  if (report.errors.length > 0)
    return internalFailure(token, printable(`opslint could not check the template: ${report.errors[0].message}`));
  const failed = report.findings.filter((f) => f.ruleId === INTERNAL_ERROR);
  const counted = report.findings.filter((f) => f.ruleId !== INTERNAL_ERROR);
  const blocking = counted.filter((f) => blocks(f, failOn));
  const rest = summaryOfRest(counted, failOn);
  if (failed.length > 0) {
    for (const f of failed) logError(f.message, f.trace);
    const head = `opslint could not check stack ${stack} fully: ${plural(failed.length, 'rule failure')}${blocking.length > 0 ? `, and ${plural(blocking.length, 'finding')} at or above ${failOn}` : ''}.`;
    return internalFailure(token, fit(head, [...failed, ...bySeverity(blocking)], rest));
  }
  if (blocking.length > 0) {
    const head = `opslint: ${plural(blocking.length, 'finding')} at or above ${failOn} in stack ${stack}.`;
    return {
      hookStatus: 'FAILED',
      errorCode: 'NonCompliant',
      message: fit(head, bySeverity(blocking), rest),
      clientRequestToken: token,
    };
  }
  return success(
    token,
    fit(
      `opslint: no finding at or above ${failOn} in stack ${stack} (${plural(report.summary.resources, 'resource')} checked).`,
      [],
      rest,
    ),
  );
}

/** Whether a finding fails the operation: active, at or above `failOn`, and not a reminder that needs context. */
function blocks(f: Finding, failOn: FailOn): boolean {
  return isActive(f) && f.needsContext === undefined && atOrAbove(f.severity, failOn);
}

/** Findings, most severe first (in report order within a severity). */
function bySeverity(findings: readonly Finding[]): Finding[] {
  return SEVERITIES.flatMap((s) => findings.filter((f) => f.severity === s));
}

/** What does not fail the operation, in one sentence: `Not failing: 2 warnings, 1 suppressed, 3 needing context.` */
function summaryOfRest(findings: readonly Finding[], failOn: FailOn): string {
  const below = findings.filter((f) => isActive(f) && f.needsContext === undefined && !atOrAbove(f.severity, failOn));
  const parts = [
    ...SEVERITIES.map((s) => {
      const n = below.filter((f) => f.severity === s).length;
      return n > 0 ? (s === 'info' ? `${n} info` : plural(n, s)) : '';
    }),
    ...[
      [findings.filter((f) => isActive(f) && f.needsContext !== undefined).length, 'needing context'] as const,
      [findings.filter((f) => !isActive(f)).length, 'suppressed'] as const,
    ].map(([n, what]) => (n > 0 ? `${n} ${what}` : '')),
  ].filter((p) => p !== '');
  return parts.length > 0 ? `Not failing: ${parts.join(', ')}.` : '';
}

/** The longest text of one finding in a message, so that one long message leaves room for the others. */
const LINE_LIMIT = 600;

/** One line per finding: `[error] alarm-actions Alarm (line 12): message`. */
function findingLine(f: Finding): string {
  const where = `${f.resource !== '' ? ` ${f.resource}` : ''} (line ${f.line})`;
  const line = printable(`[${f.severity}] ${f.ruleId}${where}: ${f.message}`);
  return line.length > LINE_LIMIT ? `${line.slice(0, LINE_LIMIT - 1)}…` : line;
}

/**
 * The message within CloudFormation's limit: the head, as many findings as fit (in order), `and N more` with
 * their rules for the others, and the summary of what does not fail.
 */
function fit(head: string, findings: readonly Finding[], rest: string): string {
  const lines = findings.map(findingLine);
  const tailOf = (shown: number): string => {
    if (shown === findings.length) return '';
    const left = findings.slice(shown);
    const perRule = new Map<string, number>();
    for (const f of left) perRule.set(f.ruleId, (perRule.get(f.ruleId) ?? 0) + 1);
    const rules = [...perRule].map(([id, n]) => `${id} (${n})`).join(', ');
    const full = `and ${left.length} more: ${rules}.`;
    return full.length <= LINE_LIMIT ? full : `and ${left.length} more.`;
  };
  const join = (shown: number): string =>
    [head, ...lines.slice(0, shown), tailOf(shown), rest].filter((l) => l !== '').join('\n');
  // the lines fill the message from the first: only the few that fit are ever measured
  let shown = 0;
  while (shown < lines.length && join(shown + 1).length <= MESSAGE_LIMIT) shown++;
  const message = join(shown);
  return message.length > MESSAGE_LIMIT ? `${message.slice(0, MESSAGE_LIMIT - 1)}…` : message;
}

function success(token: string, message: string): HookResponse {
  return { hookStatus: 'SUCCESS', message, clientRequestToken: token };
}

function internalFailure(token: string, message: string): HookResponse {
  return {
    hookStatus: 'FAILED',
    errorCode: 'InternalFailure',
    message: fit(message, [], ''),
    clientRequestToken: token,
  };
}
