/**
 * Fetches deployed stacks through `@aws-sdk/client-cloudformation`: the stacks named (by name or ARN) and,
 * with `allStacks`, every active stack of the region (ListStacks, page by page); for each, DescribeStacks
 * (parameters, tags, termination protection, notification topics) and GetTemplate; and their nested stacks,
 * found through the physical ids of their `AWS::CloudFormation::Stack` resources (ListStackResources). A stack
 * is fetched once however it is reached. Credentials and region come from the SDK's standard chain; throttled
 * calls are retried by the SDK in adaptive mode. A stack that cannot be fetched is one error line naming it;
 * the others are fetched all the same.
 *
 * The endpoint may be hostile (`--endpoint-url`): each call has a timeout, the whole fetch a deadline, no
 * answer is read past `--max-file-size`, and a listing whose pages never end is stopped. A password in the
 * endpoint's URL is never shown. All of that is `./aws.ts`, shared with the Well-Architected client.
 *
 * The SDK is loaded when {@link fetchDeployedStacks} is first called, not when this module is.
 */
import { availableParallelism } from 'node:os';
import type * as Sdk from '@aws-sdk/client-cloudformation';
import { InputError } from '../template/errors';
import { AwsCalls, CallError, ServiceProblem, type AwsAccess, type AwsService } from './aws';
import { stackLocation } from './location';

/** Which template GetTemplate returns: as submitted, or with transforms (SAM) expanded. */
export type TemplateStage = 'Original' | 'Processed';

/** What to fetch, and how to reach CloudFormation. */
export interface StackSource extends AwsAccess {
  /** stack names or stack ARNs */
  readonly stacks?: readonly string[];
  /** every active stack of the region (nested stacks through their parents) */
  readonly allStacks?: boolean;
  /** default: Original */
  readonly templateStage?: TemplateStage;
  /** stacks fetched at the same time (default: the number of CPUs) */
  readonly jobs?: number;
}

/** How messages name CloudFormation. */
const CLOUDFORMATION: AwsService = {
  name: 'CloudFormation',
  sdk: '@aws-sdk/client-cloudformation',
  iam: 'cloudformation',
  work: 'fetching the deployed stacks from',
  whenThrottled: 'lower --jobs, or allow more attempts with AWS_MAX_ATTEMPTS',
  known: (code, what) => (code === 'ValidationError' && /does not exist/.test(what) ? 'stack not found' : undefined),
};

/** A deployed stack as CloudFormation describes it, with its template text and nested stacks. */
export interface DeployedStack {
  readonly arn: string;
  readonly name: string;
  readonly region: string;
  readonly account: string;
  /** the template text as GetTemplate returned it (JSON or YAML) */
  readonly templateBody: string;
  /** deployed parameter values; for parameters read from SSM Parameter Store, the value resolved at deployment */
  readonly parameters: Readonly<Record<string, string>>;
  /** NoEcho parameters: CloudFormation shows `****` instead of their values */
  readonly hiddenParameters: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  readonly terminationProtection?: boolean;
  readonly notificationArns: readonly string[];
  /** nested stacks, in the order of the logical ids of their `AWS::CloudFormation::Stack` resources */
  readonly nested: readonly { readonly logicalId: string; readonly stack: DeployedStack }[];
}

export interface FetchResult {
  /** the stacks at the top (named, or listed without a parent), in name order, nested stacks inside them */
  readonly stacks: readonly DeployedStack[];
  /** stacks that could not be fetched, one line each, located at `stack://<region>/<name>` */
  readonly errors: readonly InputError[];
  /** the region names are looked up in, when known */
  readonly region?: string;
}

/**
 * Every stack status but those of stacks that are gone or going (DELETE_COMPLETE, DELETE_IN_PROGRESS) and
 * of stacks made for a change set not yet executed (REVIEW_IN_PROGRESS), which have no template to scan.
 */
export const ACTIVE_STATUSES: readonly string[] = [
  'CREATE_COMPLETE',
  'CREATE_FAILED',
  'CREATE_IN_PROGRESS',
  'DELETE_FAILED',
  'IMPORT_COMPLETE',
  'IMPORT_IN_PROGRESS',
  'IMPORT_ROLLBACK_COMPLETE',
  'IMPORT_ROLLBACK_FAILED',
  'IMPORT_ROLLBACK_IN_PROGRESS',
  'ROLLBACK_COMPLETE',
  'ROLLBACK_FAILED',
  'ROLLBACK_IN_PROGRESS',
  'UPDATE_COMPLETE',
  'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
  'UPDATE_FAILED',
  'UPDATE_IN_PROGRESS',
  'UPDATE_ROLLBACK_COMPLETE',
  'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
  'UPDATE_ROLLBACK_FAILED',
  'UPDATE_ROLLBACK_IN_PROGRESS',
];

/** Nested stacks deeper than this are not followed (CloudFormation's own limit is far lower in practice). */
const MAX_NESTING = 16;
/** What CloudFormation shows instead of a NoEcho parameter's value. */
const HIDDEN = '****';
const NESTED_TYPES = /AWS::CloudFormation::Stack\b|AWS::Serverless::Application\b/;

/** Fetches the stacks `source` asks for; never throws for what AWS answers, only for bugs. */
export async function fetchDeployedStacks(source: StackSource): Promise<FetchResult> {
  const sdk = loadSdk();
  const fetcher = new Fetcher(sdk, source);
  return fetcher.run();
}

/** A stack to fetch: what to ask CloudFormation for, and how to name it in an error before it is described. */
interface StackRef {
  /** a name or an ARN */
  readonly id: string;
  readonly region: string | undefined;
  readonly name: string;
}

class Fetcher {
  private readonly errors: InputError[] = [];
  /** ARNs of the stacks fetched so far: a stack reached twice (named and listed, or as a nested stack) is fetched once */
  private readonly seen = new Set<string>();
  private readonly limit: <T>(task: () => Promise<T>) => Promise<T>;
  private readonly stage: TemplateStage;
  private readonly calls: AwsCalls<Sdk.CloudFormationClient>;

  constructor(
    private readonly sdk: typeof Sdk,
    private readonly source: StackSource,
  ) {
    this.limit = limiter(source.jobs ?? availableParallelism());
    this.stage = source.templateStage ?? 'Original';
    this.calls = new AwsCalls(CLOUDFORMATION, source, (config) => new sdk.CloudFormationClient(config));
  }

  async run(): Promise<FetchResult> {
    const timer = this.calls.startDeadline();
    try {
      return await this.fetchAll();
    } finally {
      clearTimeout(timer);
    }
  }

  private async fetchAll(): Promise<FetchResult> {
    const region = this.source.region ?? (await this.calls.defaultRegion());
    const named = [...new Set(this.source.stacks ?? [])].map((id): StackRef => {
      const arn = parseStackArn(id);
      return { id, region: arn?.region ?? region, name: arn?.name ?? id };
    });
    // the named stacks are described first: one nested in another stack of the scan (`--stack parent --stack
    // child`) is then reported through that stack, whichever of the two would have been fetched first
    const [listed, described] = await Promise.all([
      this.source.allStacks ? this.listStacks(region) : [],
      Promise.all(named.map((ref) => this.describeNamed(ref))).then((all) => all.filter(isDefined)),
    ]);
    const inScan = new Set([...described.map((d) => d.arn.arn), ...listed.map((l) => l.ref.id)]);
    const nestedInScan = (parent: string | undefined, root: string | undefined): boolean =>
      [parent, root].some((a) => a !== undefined && inScan.has(a));
    const tops: (() => Promise<DeployedStack | undefined>)[] = [];
    const nested: (() => Promise<DeployedStack | undefined>)[] = [];
    for (const d of described)
      (nestedInScan(d.stack.ParentId, d.stack.RootId) ? nested : tops).push(() => this.fetchTree(d.ref, 0, d));
    for (const l of listed) (nestedInScan(l.parent, l.root) ? nested : tops).push(() => this.fetchTree(l.ref, 0));
    const stacks = (await Promise.all(tops.map((fetch) => fetch()))).filter(isDefined);
    // a stack nested in another of the scan that was not reached through it (that stack failed): scanned on its own
    stacks.push(...(await Promise.all(nested.map((fetch) => fetch()))).filter(isDefined));
    stacks.sort((a, b) => cmp(a.region, b.region) || cmp(a.name, b.name) || cmp(a.arn, b.arn));
    return { stacks, errors: this.errors, region };
  }

  /** DescribeStacks of a stack named on the command line; undefined (and an error line) when it cannot be. */
  private async describeNamed(ref: StackRef): Promise<(Described & { ref: StackRef }) | undefined> {
    try {
      return { ref, ...(await this.limit(() => this.describe(ref))) };
    } catch (error) {
      this.fail(error, stackLocation(ref.region, ref.name));
      return undefined;
    }
  }

  private async describe(ref: StackRef): Promise<Described> {
    const stack = (
      await this.calls.send(ref.region, 'DescribeStacks', (c, o) =>
        c.send(new this.sdk.DescribeStacksCommand({ StackName: ref.id }), o),
      )
    ).Stacks?.[0];
    const arn = parseStackArn(stack?.StackId ?? '');
    if (!stack || !arn) throw new CallError('DescribeStacks', new ServiceProblem('CloudFormation returned no stack'));
    return { stack, arn };
  }

  /** Active stacks of the region, page by page; nested ones carry the ARNs of their parent and root stacks. */
  private async listStacks(region: string | undefined): Promise<{ ref: StackRef; parent?: string; root?: string }[]> {
    const out: { ref: StackRef; parent?: string; root?: string }[] = [];
    const statuses = ACTIVE_STATUSES as Sdk.StackStatus[];
    try {
      const pages = this.calls.pages('ListStacks', (token) =>
        this.limit(() =>
          this.calls.send(region, 'ListStacks', (c, o) =>
            c.send(new this.sdk.ListStacksCommand({ StackStatusFilter: statuses, NextToken: token }), o),
          ),
        ),
      );
      for await (const page of pages) {
        for (const s of page.StackSummaries ?? []) {
          if (!s.StackId || !s.StackName) continue;
          out.push({
            ref: { id: s.StackId, region: parseStackArn(s.StackId)?.region ?? region, name: s.StackName },
            parent: s.ParentId,
            root: s.RootId,
          });
        }
      }
    } catch (error) {
      this.fail(error, stackLocation(region), 'cannot list the stacks');
    }
    return out;
  }

  /**
   * A stack and, below it, its nested stacks; undefined when it was fetched already or could not be.
   * `known`: what DescribeStacks already said of it.
   */
  private async fetchTree(ref: StackRef, depth: number, known?: Described): Promise<DeployedStack | undefined> {
    let fetched: { stack: Omit<DeployedStack, 'nested'>; nested: { logicalId: string; arn: string }[] } | undefined;
    let where = stackLocation(ref.region, ref.name);
    try {
      fetched = await this.limit(async () => {
        if (this.seen.has(ref.id)) return undefined;
        const { stack: described, arn } = known ?? (await this.describe(ref));
        where = stackLocation(arn.region, described.StackName ?? arn.name);
        if (this.seen.has(arn.arn)) return undefined;
        this.seen.add(arn.arn);
        if (described.StackStatus === 'DELETE_COMPLETE')
          throw new CallError('DescribeStacks', new ServiceProblem('the stack is deleted'));
        const template = await this.calls.send(arn.region, 'GetTemplate', (c, o) =>
          c.send(new this.sdk.GetTemplateCommand({ StackName: arn.arn, TemplateStage: this.stage }), o),
        );
        const body = template.TemplateBody;
        if (body === undefined)
          throw new CallError('GetTemplate', new ServiceProblem('CloudFormation returned no template'));
        const nested =
          NESTED_TYPES.test(body) && depth < MAX_NESTING ? await this.nestedStacks(arn.region, arn.arn) : [];
        return { stack: describe(described, arn, body), nested };
      });
    } catch (error) {
      this.fail(error, where);
      return undefined;
    }
    if (!fetched) return undefined;
    const children = await Promise.all(
      fetched.nested.map(async (n) => {
        const arn = parseStackArn(n.arn)!;
        const stack = await this.fetchTree({ id: n.arn, region: arn.region, name: arn.name }, depth + 1);
        return stack ? { logicalId: n.logicalId, stack } : undefined;
      }),
    );
    return {
      ...fetched.stack,
      nested: children.filter((c): c is { logicalId: string; stack: DeployedStack } => c !== undefined),
    };
  }

  /** The stack's nested stacks: its `AWS::CloudFormation::Stack` resources and their physical ids (stack ARNs). */
  private async nestedStacks(region: string, arn: string): Promise<{ logicalId: string; arn: string }[]> {
    const out: { logicalId: string; arn: string }[] = [];
    const pages = this.calls.pages('ListStackResources', (token) =>
      this.calls.send(region, 'ListStackResources', (c, o) =>
        c.send(new this.sdk.ListStackResourcesCommand({ StackName: arn, NextToken: token }), o),
      ),
    );
    for await (const page of pages) {
      for (const r of page.StackResourceSummaries ?? []) {
        if (
          r.ResourceType === 'AWS::CloudFormation::Stack' &&
          r.LogicalResourceId &&
          r.PhysicalResourceId &&
          parseStackArn(r.PhysicalResourceId)
        ) {
          out.push({ logicalId: r.LogicalResourceId, arn: r.PhysicalResourceId });
        }
      }
    }
    return out.sort((a, b) => cmp(a.logicalId, b.logicalId));
  }

  private fail(error: unknown, where: string, prefix?: string): void {
    const message = this.calls.message(error);
    if (message === undefined) throw error instanceof CallError ? error.cause : error;
    this.errors.push(new InputError(prefix ? `${prefix}: ${message}` : message, where));
  }
}

function describe(s: Sdk.Stack, arn: StackArn, templateBody: string): Omit<DeployedStack, 'nested'> {
  const parameters: Record<string, string> = {};
  const hiddenParameters: string[] = [];
  for (const p of s.Parameters ?? []) {
    if (!p.ParameterKey) continue;
    const value = p.ResolvedValue ?? p.ParameterValue;
    if (p.ParameterValue === HIDDEN) hiddenParameters.push(p.ParameterKey);
    else if (value !== undefined) parameters[p.ParameterKey] = value;
  }
  const tags: Record<string, string> = {};
  for (const t of s.Tags ?? []) if (t.Key !== undefined && t.Value !== undefined) tags[t.Key] = t.Value;
  return {
    arn: arn.arn,
    name: s.StackName ?? arn.name,
    region: arn.region,
    account: arn.account,
    templateBody,
    parameters,
    hiddenParameters,
    tags,
    ...(s.EnableTerminationProtection !== undefined ? { terminationProtection: s.EnableTerminationProtection } : {}),
    notificationArns: s.NotificationARNs ?? [],
  };
}

interface Described {
  readonly stack: Sdk.Stack;
  readonly arn: StackArn;
}

const isDefined = <T>(value: T | undefined): value is T => value !== undefined;

interface StackArn {
  readonly arn: string;
  readonly region: string;
  readonly account: string;
  readonly name: string;
}

/** `arn:aws:cloudformation:eu-west-1:123456789012:stack/orders/<uuid>` → its parts; undefined for a stack name. */
export function parseStackArn(value: string): StackArn | undefined {
  const m = /^arn:aws[a-z-]*:cloudformation:([a-z0-9-]+):(\d{12}):stack\/([^/]+)\/[^/]+$/.exec(value);
  return m ? { arn: value, region: m[1], account: m[2], name: m[3] } : undefined;
}

function loadSdk(): typeof Sdk {
  return require('@aws-sdk/client-cloudformation') as typeof Sdk;
}

/** Runs at most `n` tasks at a time; a finished task hands its slot to the next one waiting. */
function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (active >= Math.max(1, n)) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
