/**
 * opslint as a CloudFormation Lambda Hook: the function CloudFormation calls before a stack or change-set
 * operation provisions. It reads the proposed template from the request (./request.ts), scans it with the rules,
 * packs and configuration baked in at packaging (the same engine as `opslint scan` and `cdk synth`, template
 * Metadata suppressions included) and answers `FAILED` (`NonCompliant`) when an active finding is at or above
 * `failOn`, `SUCCESS` otherwise. Findings that need context never fail a deployment (the hook sees one stack, not
 * the account), nor do findings resting on parameter defaults (the hook is not sent the parameter values). What the hook's `FailureMode` does with `FAILED` is CloudFormation's to decide (`WARN` lets the
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
import { constructLabel, loneStackAssembly } from '../assembly/model';
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
import { plural, shorten } from '../util/words';
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
  const oneLine = !payload.template.trimEnd().includes('\n');
  return answer(token, report, settings.failOn ?? 'error', stackName(request), oneLine);
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
function answer(token: string, report: ScanReport, failOn: FailOn, stack: string, oneLine: boolean): HookResponse {
  if (report.errors.length > 0)
    return internalFailure(token, printable(`opslint could not check the template: ${report.errors[0].message}`));
  const failed = report.findings.filter((f) => f.ruleId === INTERNAL_ERROR);
  const counted = report.findings.filter((f) => f.ruleId !== INTERNAL_ERROR);
  const blocking = ordered(counted.filter((f) => blocks(f, failOn)));
  const rest = summaryOfRest(counted, failOn);
  const line = (f: Finding): string => findingLine(f, oneLine);
  if (failed.length > 0) {
    for (const f of failed) logError(f.message, f.trace);
    const head = `opslint could not check stack ${stack} fully: ${plural(failed.length, 'rule failure')}${blocking.length > 0 ? `, and ${plural(blocking.length, 'finding')} at or above ${failOn}` : ''}.`;
    return internalFailure(token, fit(head, [...failed, ...blocking].map(line), rest));
  }
  if (blocking.length > 0) {
    const head = `opslint: ${plural(blocking.length, 'finding')} at or above ${failOn} in stack ${stack}: ${tally(blocking)}.`;
    return {
      hookStatus: 'FAILED',
      errorCode: 'NonCompliant',
      message: fit(head, blocking.map(line), rest),
      clientRequestToken: token,
    };
  }
  const checked = plural(report.summary.resources, 'resource');
  return success(
    token,
    fit(
      failOn === 'none'
        ? `opslint: with failOn none nothing fails the operation (stack ${stack}, ${checked} checked).`
        : `opslint: no finding at or above ${failOn} in stack ${stack} (${checked} checked).`,
      [],
      rest,
    ),
  );
}

/** Whether a finding fails the operation: active, at or above `failOn`, and neither a reminder that needs context nor resting on a default. */
function blocks(f: Finding, failOn: FailOn): boolean {
  return isActive(f) && f.needsContext === undefined && !restsOnDefaults(f) && atOrAbove(f.severity, failOn);
}

/**
 * Whether a finding's verdict rests on a parameter's default: CloudFormation sends the hook the template but not
 * the operation's parameter values, so whether the default is what gets deployed is unknown, and such a finding
 * never fails the operation. The other kind of assumption, a condition, is only ever recorded together with the
 * parameter defaults it was evaluated from (lib/template/resolver.ts), so the parameters decide for it too.
 * Values the configuration gives (`parameters`) are no assumption.
 */
function restsOnDefaults(f: Finding): boolean {
  return f.assumptions?.some((a) => 'parameter' in a) === true;
}

/**
 * The findings in the order the message names them: the most severe first, one of each rule before a second of
 * any (within a severity, rules take turns): the API hands the message back as the hook's status reason, which
 * holds at most 1,024 characters (`HookResultSummary.HookStatusReason` in the CloudFormation API Reference; the
 * stack events carry a `HookStatusReason` too), of the 4,096 a Lambda hook may answer.
 */
function ordered(findings: readonly Finding[]): Finding[] {
  const turns = SEVERITIES.flatMap((s) => inTurns(findings.filter((f) => f.severity === s)));
  const seen = new Set<string>();
  const first: Finding[] = [];
  const later: Finding[] = [];
  for (const f of turns) {
    (seen.has(f.ruleId) ? later : first).push(f);
    seen.add(f.ruleId);
  }
  return [...first, ...later];
}

/** The first finding of each rule, then the second of each, and so on. */
function inTurns(findings: readonly Finding[]): Finding[] {
  const byRule = new Map<string, Finding[]>();
  for (const f of findings) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f]);
  const out: Finding[] = [];
  for (let i = 0; out.length < findings.length; i++)
    for (const group of byRule.values()) if (i < group.length) out.push(group[i]);
  return out;
}

/** The longest per-rule tally in the head line, so that the first findings are in what the stack events keep. */
const TALLY_LIMIT = 400;

/** How many findings of each rule, in the order of the message: `lambda-tracing 100, queue-dead-letter 3`. */
function tally(findings: readonly Finding[]): string {
  const perRule = new Map<string, number>();
  for (const f of findings) perRule.set(f.ruleId, (perRule.get(f.ruleId) ?? 0) + 1);
  const parts = [...perRule].map(([id, n]) => `${id} ${n}`);
  let shown = parts.length;
  while (shown > 1 && parts.slice(0, shown).join(', ').length > TALLY_LIMIT) shown--;
  const others = parts.length - shown;
  return [...parts.slice(0, shown), ...(others > 0 ? [`${plural(others, 'other rule')}`] : [])].join(', ');
}

/**
 * What does not fail the operation, in one sentence: `Not failing: 2 warnings, 1 resting on parameter defaults,
 * 1 suppressed, 3 needing context.`
 */
function summaryOfRest(findings: readonly Finding[], failOn: FailOn): string {
  const judged = findings.filter((f) => isActive(f) && f.needsContext === undefined);
  const below = judged.filter((f) => !atOrAbove(f.severity, failOn));
  const parts = [
    ...SEVERITIES.map((s) => {
      const n = below.filter((f) => f.severity === s).length;
      return n > 0 ? (s === 'info' ? `${n} info` : plural(n, s)) : '';
    }),
    ...[
      [
        judged.filter((f) => atOrAbove(f.severity, failOn) && restsOnDefaults(f)).length,
        'resting on parameter defaults (the hook is not sent parameter values)',
      ] as const,
      [findings.filter((f) => isActive(f) && f.needsContext !== undefined).length, 'needing context'] as const,
      [findings.filter((f) => !isActive(f)).length, 'suppressed'] as const,
    ].map(([n, what]) => (n > 0 ? `${n} ${what}` : '')),
  ].filter((p) => p !== '');
  return parts.length > 0 ? `Not failing: ${parts.join(', ')}.` : '';
}

/** The longest text of one finding in a message, so that one long message leaves room for the others. */
const LINE_LIMIT = 600;

/**
 * One line per finding: `[error] lambda-tracing Fn (Orders/Fn, line 12): message`, with the construct of a CDK
 * template (its `aws:cdk:path`, without the `/Resource` or `/Default` an L2 construct gives its L1), and the
 * property path instead of the line when the template is on one line (as a synthesized template may be sent).
 */
function findingLine(f: Finding, oneLine: boolean): string {
  const construct = f.constructPath !== undefined ? constructLabel(f.constructPath) : undefined;
  const property = f.resource !== '' ? f.path.replace(`Resources.${f.resource}`, '').replace(/^\./, '') : f.path;
  const at = oneLine ? property : `line ${f.line}`;
  const where = [construct, at].filter((w) => w !== undefined && w !== '').join(', ');
  const line = printable(
    `[${f.severity}] ${f.ruleId}${f.resource !== '' ? ` ${f.resource}` : ''}${where !== '' ? ` (${where})` : ''}: ${f.message}`,
  );
  return shorten(line, LINE_LIMIT);
}

/**
 * The message within CloudFormation's limit: the head, as many finding lines as fit (in order), `and N more`
 * for the others, and the summary of what does not fail.
 */
function fit(head: string, lines: readonly string[], rest: string): string {
  const tailOf = (shown: number): string => (shown === lines.length ? '' : `and ${lines.length - shown} more.`);
  const join = (shown: number): string =>
    [head, ...lines.slice(0, shown), tailOf(shown), rest].filter((l) => l !== '').join('\n');
  // the lines fill the message from the first: only the few that fit are ever measured
  let shown = 0;
  while (shown < lines.length && join(shown + 1).length <= MESSAGE_LIMIT) shown++;
  const message = join(shown);
  return shorten(message, MESSAGE_LIMIT);
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
