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
 * endpoint's URL is never shown.
 *
 * The SDK is loaded when {@link fetchDeployedStacks} is first called, not when this module is.
 */
import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import { pipeline, Readable, Transform } from 'node:stream';
import type * as Sdk from '@aws-sdk/client-cloudformation';
import { InputError } from '../template/errors';
import { DEFAULT_MAX_FILE_BYTES } from '../template/load';
import { stackLocation } from './location';

/** Which template GetTemplate returns: as submitted, or with transforms (SAM) expanded. */
export type TemplateStage = 'Original' | 'Processed';

/** What to fetch, and how to reach CloudFormation. */
export interface StackSource {
  /** stack names or stack ARNs */
  readonly stacks?: readonly string[];
  /** every active stack of the region (nested stacks through their parents) */
  readonly allStacks?: boolean;
  /** default: the SDK's chain (AWS_REGION, the profile's region) */
  readonly region?: string;
  /** a profile of the shared AWS config and credentials files */
  readonly profile?: string;
  /** another CloudFormation endpoint (a local stand-in, a VPC endpoint) */
  readonly endpointUrl?: string;
  /** default: Original */
  readonly templateStage?: TemplateStage;
  /** stacks fetched at the same time (default: the number of CPUs) */
  readonly jobs?: number;
  /** the largest answer read from CloudFormation, in bytes (default: the largest file read) */
  readonly maxBytes?: number;
  /**
   * how long one attempt of a call may wait, in milliseconds, to connect, for the answer to start, and for
   * each next part of it (default {@link DEFAULT_REQUEST_TIMEOUT_MS})
   */
  readonly requestTimeoutMs?: number;
  /** how long the whole fetch may take, in milliseconds (default {@link DEFAULT_FETCH_TIMEOUT_MS}); what is fetched by then is scanned */
  readonly fetchTimeoutMs?: number;
}

/** CloudFormation answers in well under a second; a template of its largest size in a few. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Ample for the thousands of stacks of a large account; a bound, so that a scan in CI always ends. */
export const DEFAULT_FETCH_TIMEOUT_MS = 30 * 60_000;

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
/**
 * Pages of one listing followed at most: 100,000 stacks of a region at CloudFormation's 100 a page, many times
 * the resources of a stack; more is an endpoint that makes up pages.
 */
const MAX_PAGES = 1000;
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
  private readonly clients = new Map<string, { client: Sdk.CloudFormationClient; ready: Promise<void> }>();
  private readonly limit: <T>(task: () => Promise<T>) => Promise<T>;
  private readonly stage: TemplateStage;
  /** aborted when the fetch has taken longer than it may: calls under way stop, calls not made fail at once */
  private readonly deadline = new AbortController();

  constructor(
    private readonly sdk: typeof Sdk,
    private readonly source: StackSource,
  ) {
    this.limit = limiter(source.jobs ?? availableParallelism());
    this.stage = source.templateStage ?? 'Original';
  }

  async run(): Promise<FetchResult> {
    const ms = this.source.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
    const timer = setTimeout(() => this.deadline.abort(new FetchTimeout(ms)), ms);
    // every call under way listens to it, each some times (the SDK, its retries, the answer's guard) and
    // stops listening when done: Node.js would take more than 10 for a leak and warn on stderr
    setMaxListeners(0, this.deadline.signal);
    try {
      return await this.fetchAll();
    } finally {
      clearTimeout(timer);
    }
  }

  private async fetchAll(): Promise<FetchResult> {
    const region = this.source.region ?? (await this.defaultRegion());
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
      await this.send(ref.region, 'DescribeStacks', (c, o) =>
        c.send(new this.sdk.DescribeStacksCommand({ StackName: ref.id }), o),
      )
    ).Stacks?.[0];
    const arn = parseStackArn(stack?.StackId ?? '');
    if (!stack || !arn) throw new FetchError('DescribeStacks', new StackProblem('CloudFormation returned no stack'));
    return { stack, arn };
  }

  /** The region of the SDK's chain (AWS_REGION, the profile), or undefined when it names none. */
  private async defaultRegion(): Promise<string | undefined> {
    try {
      return await this.client(undefined).client.config.region();
    } catch (error) {
      if (error instanceof Error && /region is missing/i.test(error.message)) return undefined;
      throw error;
    }
  }

  /** One client per region, made when first needed; `ready` settles once credentials are found (or not). */
  private client(region: string | undefined): { client: Sdk.CloudFormationClient; ready: Promise<void> } {
    const key = region ?? '';
    let entry = this.clients.get(key);
    if (!entry) {
      const timeout = this.source.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
      const client = withoutNodeVersionWarning(
        () =>
          new this.sdk.CloudFormationClient({
            ...(region !== undefined ? { region } : {}),
            ...(this.source.profile !== undefined ? { profile: this.source.profile } : {}),
            ...(this.source.endpointUrl !== undefined ? { endpoint: this.source.endpointUrl } : {}),
            retryMode: 'adaptive',
            requestHandler: {
              // the SDK waits for ever by default; its timeouts are TimeoutErrors, retried like a lost connection
              connectionTimeout: timeout,
              requestTimeout: timeout,
              throwOnRequestTimeout: true,
              socketTimeout: timeout,
              // the SDK's default without timeouts; with them it would be their sum, and its timer, which outlives
              // a call that fails before it is sent, would keep the process from exiting that long
              socketAcquisitionWarningTimeout: 3000,
            },
          }),
      );
      client.middlewareStack.add(boundedAnswers(this.source.maxBytes ?? DEFAULT_MAX_FILE_BYTES, this.deadline.signal), {
        // inside the SDK's deserializer, which reads the whole answer: the answer as it comes off the wire
        step: 'deserialize',
        priority: 'low',
        name: 'opslintBoundedAnswers',
      });
      // credentials are looked up once per client, not once per call: a chain that finds none may have
      // waited on the instance metadata service
      const ready = region === undefined ? Promise.resolve() : client.config.credentials().then(() => undefined);
      ready.catch(() => undefined);
      entry = { client, ready };
      this.clients.set(key, entry);
    }
    return entry;
  }

  /** A call, with the action it was, for the error message; `call` passes `options` on to the SDK (the deadline). */
  private async send<T>(
    region: string | undefined,
    action: string,
    call: (client: Sdk.CloudFormationClient, options: { abortSignal: AbortSignal }) => Promise<T>,
  ): Promise<T> {
    if (region === undefined) throw new FetchError(action, new MissingRegion());
    if (this.deadline.signal.aborted) throw new FetchError(action, this.deadline.signal.reason);
    const { client, ready } = this.client(region);
    try {
      await ready;
      return await call(client, { abortSignal: this.deadline.signal });
    } catch (error) {
      throw new FetchError(action, error);
    }
  }

  /**
   * Every page of a listing, following NextToken. An endpoint that hands out a token again, or pages past
   * {@link MAX_PAGES}, would keep the listing going for ever: it ends in an error after the pages read.
   */
  private async *pages<T extends { NextToken?: string }>(
    action: string,
    page: (token: string | undefined) => Promise<T>,
  ): AsyncGenerator<T> {
    const tokens = new Set<string>();
    let token: string | undefined;
    for (let read = 0; read === 0 || token !== undefined; read++) {
      if (read === MAX_PAGES)
        throw new FetchError(
          action,
          new StackProblem(
            `${service(this.source)} answered ${action} with more than ${MAX_PAGES} pages; opslint reads no more`,
          ),
        );
      const answer = await page(token);
      yield answer;
      token = answer.NextToken || undefined;
      if (token === undefined) continue;
      if (tokens.has(token))
        throw new FetchError(
          action,
          new StackProblem(
            `${service(this.source)} answered ${action} with a NextToken it had given before: its pages would never end`,
          ),
        );
      tokens.add(token);
    }
  }

  /** Active stacks of the region, page by page; nested ones carry the ARNs of their parent and root stacks. */
  private async listStacks(region: string | undefined): Promise<{ ref: StackRef; parent?: string; root?: string }[]> {
    const out: { ref: StackRef; parent?: string; root?: string }[] = [];
    const statuses = ACTIVE_STATUSES as Sdk.StackStatus[];
    try {
      const pages = this.pages('ListStacks', (token) =>
        this.limit(() =>
          this.send(region, 'ListStacks', (c, o) =>
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
          throw new FetchError('DescribeStacks', new StackProblem('the stack is deleted'));
        const template = await this.send(arn.region, 'GetTemplate', (c, o) =>
          c.send(new this.sdk.GetTemplateCommand({ StackName: arn.arn, TemplateStage: this.stage }), o),
        );
        const body = template.TemplateBody;
        if (body === undefined)
          throw new FetchError('GetTemplate', new StackProblem('CloudFormation returned no template'));
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
    const pages = this.pages('ListStackResources', (token) =>
      this.send(region, 'ListStackResources', (c, o) =>
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
    const message = explain(error, this.source);
    if (message === undefined) throw error instanceof FetchError ? error.cause : error;
    // the SDK's own words may quote the endpoint, as given or as parsed
    const endpoint = this.source.endpointUrl;
    const text = prefix ? `${prefix}: ${message}` : message;
    this.errors.push(
      new InputError(redactUrls(endpoint === undefined ? text : text.split(endpoint).join(redactUrl(endpoint))), where),
    );
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

/** An SDK failure, with the action that failed. */
class FetchError extends Error {
  constructor(
    readonly action: string,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

class MissingRegion extends Error {}

/** What CloudFormation answered that cannot be scanned (a deleted stack, no template): the message says it. */
class StackProblem extends Error {}

/** Why the deadline of the fetch aborts what is under way (`--fetch-timeout`). */
class FetchTimeout extends Error {
  constructor(readonly ms: number) {
    super(`the deployed stacks took more than ${ms} ms to fetch`);
  }
}

/** An answer larger than `--max-file-size`, not read past the limit; `size` when it said so beforehand. */
class AnswerTooLarge extends Error {
  constructor(
    readonly limit: number,
    readonly size?: number,
  ) {
    super(`an answer of more than ${limit} bytes`);
  }
}

/**
 * An SDK middleware, per attempt, between the wire and the SDK's deserializer (which reads an answer whole
 * before it parses it): an answer larger than `limit` bytes fails as soon as it says so (Content-Length) or
 * has sent that much, and the connection is dropped; the deadline stops an answer being read, however slowly
 * it comes.
 */
function boundedAnswers(limit: number, deadline: AbortSignal) {
  return <A, R extends { response: unknown }>(next: (args: A) => Promise<R>) =>
    async (args: A): Promise<R> => {
      const out = await next(args);
      const response = out.response as { headers?: Record<string, string | undefined>; body?: unknown };
      const body = response.body;
      if (!(body instanceof Readable)) return out;
      const declared = Number(response.headers?.['content-length']);
      if (declared > limit) {
        body.destroy();
        throw new AnswerTooLarge(limit, declared);
      }
      let read = 0;
      const guard = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          read += chunk.length;
          done(read > limit ? new AnswerTooLarge(limit) : null, chunk);
        },
      });
      // an error of its own for each answer: the SDK marks the error it is handed
      const stop = (): void => void guard.destroy(new FetchTimeout((deadline.reason as FetchTimeout).ms));
      deadline.addEventListener('abort', stop, { once: true });
      response.body = pipeline(body, guard, () => deadline.removeEventListener('abort', stop));
      return out;
    };
}

/** How messages name the service: with the endpoint given, if any, without its secrets. */
function service(source: Pick<StackSource, 'endpointUrl'>): string {
  return source.endpointUrl !== undefined ? `CloudFormation at ${redactUrl(source.endpointUrl)}` : 'CloudFormation';
}

/**
 * `https://user:secret@host/?token=secret#key=secret` → `https://***@host/?token=***#key=***`, for each URL in
 * `text` (up to the next white space).
 */
export function redactUrls(text: string): string {
  return text.replace(
    /\b([a-z][a-z0-9+.-]*:\/\/)(\S*)/gi,
    (_, scheme: string, rest: string) => scheme + redactAfterScheme(rest, /^[^/?#\\]*@/),
  );
}

/**
 * The same for `url`, all of it one URL (white space included). The user information of a URL that does not
 * parse is all before its last `@`: a password holding `/` or `?` is still a password.
 */
export function redactUrl(url: string): string {
  const [, scheme = '', rest] = /^([a-z][a-z0-9+.-]*:\/\/)?([\s\S]*)$/i.exec(url)!;
  return scheme + redactAfterScheme(rest, URL.canParse(url) ? /^[^/?#\\]*@/ : /^[\s\S]*@/);
}

// the value of each parameter of the query and the fragment (all of a parameter without `=`)
function redactAfterScheme(rest: string, userInfo: RegExp): string {
  const masked = rest.replace(userInfo, '***@');
  const start = masked.search(/[?#]/);
  if (start < 0) return masked;
  const parameters = masked
    .slice(start)
    .replace(/([?#&])([^?#&=]*)(=?)[^?#&]*/g, (_, sep: string, key: string, eq: string) =>
      eq ? `${sep}${key}=***` : key ? `${sep}***` : sep,
    );
  return masked.slice(0, start) + parameters;
}

interface SdkError {
  readonly name?: string;
  readonly message?: string;
  readonly code?: string;
  readonly cause?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number; readonly attempts?: number };
}

const THROTTLING =
  /^(Throttling|ThrottlingException|ThrottledException|RequestThrottled|RequestThrottledException|TooManyRequestsException|RequestLimitExceeded|SlowDown)$/;
const NETWORK = /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE)$/;

/**
 * One line for what went wrong with a call, or undefined for an error that is not AWS's answer (a bug: it is
 * thrown on). The message says what to do where there is something to do.
 */
export function explain(
  error: unknown,
  source: Pick<StackSource, 'profile' | 'endpointUrl' | 'requestTimeoutMs'>,
): string | undefined {
  const action = error instanceof FetchError ? error.action : undefined;
  const e = (error instanceof FetchError ? error.cause : error) as SdkError;
  // the SDK wraps what it cannot recognise as an Error (an error from another realm) in a message of its own
  const what = (e?.message ?? String(e))
    .replace(/^AWS SDK error wrapper for (Error: )?/, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\.$/, '');
  const permission = action ? `cloudformation:${action}` : 'CloudFormation';
  // an error of the network names it in its message (`connect ETIMEDOUT 10.0.0.1:443`); the SDK's own timeouts do not
  const networkError = what.split(/[\s:]+/).some((w) => NETWORK.test(w));
  // the limits a hostile endpoint runs into; the SDK's AbortError carries the deadline's reason
  if (e instanceof AnswerTooLarge) {
    return `the answer of ${service(source)} to ${action ?? 'a call'} is ${e.size !== undefined ? `${e.size} bytes, ` : ''}more than ${e.limit} bytes (limit: --max-file-size, limits.maxFileSize)`;
  }
  const late =
    e instanceof FetchTimeout ? e : e?.name === 'AbortError' && e.cause instanceof FetchTimeout ? e.cause : undefined;
  if (late)
    return `stopped: fetching the deployed stacks from ${service(source)} took more than ${late.ms} ms (limit: --fetch-timeout)`;
  const attempts = plural(e?.$metadata?.attempts ?? 1, 'attempt');
  if (e?.name === 'TimeoutError' && !networkError) {
    return `${service(source)} did not answer ${action ?? 'a call'} within ${source.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS} ms (${attempts}; limit: --request-timeout)`;
  }
  // the note the SDK adds to an answer it could not parse (not XML, nested past its parser's stack)
  const unreadable = /\.? ?Deserialization error: to see the raw response.*$/;
  if (unreadable.test(what))
    return `${permission} failed: the answer of ${service(source)} cannot be read (${what.replace(unreadable, '')})`;
  if (e instanceof MissingRegion)
    return 'no AWS region: pass --region, set AWS_REGION, or set a region in the AWS profile';
  if (e?.name === 'CredentialsProviderError' || e?.name === 'TokenProviderError') {
    const profile = source.profile !== undefined ? ` for profile ${source.profile}` : '';
    return `no AWS credentials${profile} (${what}); configure them (aws configure, aws sso login, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) or pass --profile`;
  }
  if (e?.$metadata?.httpStatusCode !== undefined && e.name) {
    const code = e.name;
    if (code === 'ValidationError' && /does not exist/.test(what)) return 'stack not found';
    if (
      /^(AccessDenied|AccessDeniedException|UnauthorizedOperation)$/.test(code) ||
      e.$metadata.httpStatusCode === 403
    ) {
      if (/^(ExpiredToken|ExpiredTokenException|RequestExpired)$/.test(code))
        return `the AWS credentials have expired (${what}); refresh them`;
      if (/^(InvalidClientTokenId|UnrecognizedClientException|SignatureDoesNotMatch|IncompleteSignature)$/.test(code))
        return `the AWS credentials were rejected (${code}: ${what})`;
      return `access denied: ${permission} is not allowed (${what})`;
    }
    if (THROTTLING.test(code) || e.$metadata.httpStatusCode === 429) {
      return `${permission} was throttled (${code}: ${what}) and failed after ${attempts}; lower --jobs, or allow more attempts with AWS_MAX_ATTEMPTS`;
    }
    return `${permission} failed: ${code}: ${what}`;
  }
  if ((e?.code !== undefined && NETWORK.test(e.code)) || networkError || e?.name === 'TimeoutError')
    return `cannot reach ${service(source)} (${what})`;
  if (e instanceof StackProblem) return e.message;
  // anything else the SDK threw during a call, but not a bug of opslint's
  const bug =
    e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError || e instanceof SyntaxError;
  return error instanceof FetchError && !bug ? `${permission} failed: ${what}` : undefined;
}

/**
 * The SDK warns, once per process, that its releases after January 2027 need Node.js 22; opslint supports
 * Node.js 20 and its users cannot act on that, so the SDK's documented switch
 * (AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true) is set while a client is made, where it is read.
 */
function withoutNodeVersionWarning<T>(make: () => T): T {
  const name = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';
  const before = process.env[name];
  process.env[name] = 'true';
  try {
    return make();
  } finally {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  }
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

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
