/**
 * What every command that calls AWS shares (deployed stacks through CloudFormation, `opslint wa` through the
 * Well-Architected Tool): a client per region made with the same timeouts, retries and credential lookup; a
 * deadline for all the calls of a run; answers never read past a size; listings whose pages never end stopped;
 * and one line for each error, with the endpoint's secrets left out.
 *
 * It loads no SDK: each caller requires its own client package, when a command first needs it, and hands its
 * constructor here.
 */
import { setMaxListeners } from 'node:events';
import { createRequire } from 'node:module';
import { pipeline, Readable, Transform } from 'node:stream';
import { DEFAULT_MAX_FILE_BYTES } from '../template/load';
import { plural } from '../util/words';

/** How to reach a service, as the command line says it. */
export interface AwsAccess {
  /** default: the SDK's chain (AWS_REGION, the profile's region) */
  readonly region?: string;
  /** a profile of the shared AWS config and credentials files */
  readonly profile?: string;
  /** another endpoint of the service (a local stand-in, a VPC endpoint) */
  readonly endpointUrl?: string;
  /**
   * how long one attempt of a call may wait, in milliseconds, to connect, for the answer to start, and for
   * each next part of it (default {@link DEFAULT_REQUEST_TIMEOUT_MS})
   */
  readonly requestTimeoutMs?: number;
  /** how long all the calls of a run may take, in milliseconds (default {@link DEFAULT_FETCH_TIMEOUT_MS}) */
  readonly fetchTimeoutMs?: number;
  /** the largest answer read, in bytes (default: the largest file read) */
  readonly maxBytes?: number;
}

/** How messages name a service, and what they suggest. */
export interface AwsService {
  /** e.g. `CloudFormation` */
  readonly name: string;
  /** the SDK's client package, e.g. `@aws-sdk/client-cloudformation` */
  readonly sdk: string;
  /** the prefix of its IAM actions, e.g. `cloudformation` */
  readonly iam: string;
  /** what the deadline stopped, before the service's name: `fetching the deployed stacks from` */
  readonly work: string;
  /** what to do when a call is still throttled after the SDK's retries */
  readonly whenThrottled: string;
  /** a message of the service's own for an error code (`stack not found`), or undefined */
  readonly known?: (code: string, what: string) => string | undefined;
}

/** AWS APIs answer in well under a second; a template of CloudFormation's largest size in a few. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Ample for the thousands of stacks of a large account; a bound, so that a run in CI always ends. */
export const DEFAULT_FETCH_TIMEOUT_MS = 30 * 60_000;

/**
 * Pages of one listing followed at most: 100,000 stacks of a region at CloudFormation's 100 a page, many times
 * the resources of a stack or the questions of a lens; more is an endpoint that makes up pages.
 */
const MAX_PAGES = 1000;

/** The options both SDK clients take (a subset of their configuration, the same for each). */
export interface AwsClientConfig {
  readonly region?: string;
  readonly profile?: string;
  readonly endpoint?: string;
  /** the profile's own credentials, when one is named */
  readonly credentials?: CredentialsProvider;
  /** where the SDK writes its warnings: nowhere */
  readonly logger: typeof SILENT;
  readonly retryMode: 'adaptive';
  readonly requestHandler: {
    readonly connectionTimeout: number;
    readonly requestTimeout: number;
    readonly throwOnRequestTimeout: boolean;
    readonly socketTimeout: number;
    readonly socketAcquisitionWarningTimeout: number;
  };
}

/** What the SDK's credential providers give (the part of its type that opslint names). */
type CredentialsProvider = () => Promise<{
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}>;

/** What opslint uses of an SDK client. */
export interface AwsSdkClient {
  readonly config: { region(): Promise<string>; credentials(): Promise<unknown> };
  readonly middlewareStack: object;
}

/** The clients of one run, a call at a time under its deadline, and its errors as lines. */
export class AwsCalls<C extends AwsSdkClient> {
  private readonly clients = new Map<string, { client: C; ready: Promise<void> }>();
  /** aborted when the run has taken longer than it may: calls under way stop, calls not made fail at once */
  private readonly deadline = new AbortController();

  constructor(
    readonly service: AwsService,
    readonly access: AwsAccess,
    private readonly make: (config: AwsClientConfig) => C,
  ) {
    // every call under way listens to it, each some times (the SDK, its retries, the answer's guard) and
    // stops listening when done: Node.js would take more than 10 for a leak and warn on stderr
    setMaxListeners(0, this.deadline.signal);
  }

  /** Starts the deadline (`fetchTimeoutMs`); the timer it returns is to be cleared when the run is done. */
  startDeadline(): NodeJS.Timeout {
    const ms = this.access.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
    return setTimeout(() => this.deadline.abort(new CallsTimeout(ms)), ms);
  }

  /** The region of the SDK's chain (AWS_REGION, the profile), or undefined when it names none. */
  async defaultRegion(): Promise<string | undefined> {
    try {
      return await this.client(undefined).client.config.region();
    } catch (error) {
      if (error instanceof Error && /region is missing/i.test(error.message)) return undefined;
      throw error;
    }
  }

  /** One client per region, made when first needed; `ready` settles once credentials are found (or not). */
  private client(region: string | undefined): { client: C; ready: Promise<void> } {
    const key = region ?? '';
    let entry = this.clients.get(key);
    if (!entry) {
      const timeout = this.access.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
      const config: AwsClientConfig = {
        ...(region !== undefined ? { region } : {}),
        ...(this.access.profile !== undefined ? { profile: this.access.profile } : {}),
        ...(this.access.endpointUrl !== undefined ? { endpoint: this.access.endpointUrl } : {}),
        ...(this.access.profile !== undefined
          ? { credentials: profileCredentials(this.service.sdk, this.access.profile) }
          : {}),
        logger: SILENT,
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
      };
      const client = withoutNodeVersionWarning(() => this.make(config));
      (client.middlewareStack as MiddlewareAdder).add(
        boundedAnswers(this.access.maxBytes ?? DEFAULT_MAX_FILE_BYTES, this.deadline.signal),
        // inside the SDK's deserializer, which reads the whole answer: the answer as it comes off the wire
        { step: 'deserialize', priority: 'low', name: 'opslintBoundedAnswers' },
      );
      // credentials are looked up once per client, not once per call: a chain that finds none may have
      // waited on the instance metadata service
      const ready = region === undefined ? Promise.resolve() : client.config.credentials().then(() => undefined);
      ready.catch(() => undefined);
      entry = { client, ready };
      this.clients.set(key, entry);
    }
    return entry;
  }

  /**
   * A call, with the action it was (for the error message, a {@link CallError}); `call` passes `options` on to
   * the SDK (the deadline).
   */
  async send<T>(
    region: string | undefined,
    action: string,
    call: (client: C, options: { abortSignal: AbortSignal }) => Promise<T>,
  ): Promise<T> {
    if (region === undefined) throw new CallError(action, new MissingRegion());
    if (this.deadline.signal.aborted) throw new CallError(action, this.deadline.signal.reason);
    const { client, ready } = this.client(region);
    try {
      await ready;
      return await call(client, { abortSignal: this.deadline.signal });
    } catch (error) {
      throw new CallError(action, error);
    }
  }

  /**
   * Every page of a listing, following NextToken. An endpoint that hands out a token again, or pages past
   * {@link MAX_PAGES}, would keep the listing going for ever: it ends in an error after the pages read.
   */
  async *pages<T extends { NextToken?: string }>(
    action: string,
    page: (token: string | undefined) => Promise<T>,
  ): AsyncGenerator<T> {
    const tokens = new Set<string>();
    let token: string | undefined;
    for (let read = 0; read === 0 || token !== undefined; read++) {
      if (read === MAX_PAGES)
        throw new CallError(
          action,
          new ServiceProblem(
            `${this.named()} answered ${action} with more than ${MAX_PAGES} pages; opslint reads no more`,
          ),
        );
      const answer = await page(token);
      yield answer;
      token = answer.NextToken || undefined;
      if (token === undefined) continue;
      if (tokens.has(token))
        throw new CallError(
          action,
          new ServiceProblem(
            `${this.named()} answered ${action} with a NextToken it had given before: its pages would never end`,
          ),
        );
      tokens.add(token);
    }
  }

  /**
   * One line for what went wrong with a call, the endpoint's secrets left out; undefined for an error that is
   * not the service's answer (a bug, to be thrown on).
   */
  message(error: unknown): string | undefined {
    const message = explain(error, this.service, this.access);
    if (message === undefined) return undefined;
    // the SDK's own words may quote the endpoint, as given or as parsed
    const endpoint = this.access.endpointUrl;
    return redactUrls(endpoint === undefined ? message : message.split(endpoint).join(redactUrl(endpoint)));
  }

  private named(): string {
    return serviceName(this.service, this.access);
  }
}

/**
 * The SDK writes warnings on stderr when its logger is its default one (AWS_PROFILE and access keys both set,
 * among others): opslint's output never carries them, what matters reaches the user as an error.
 */
const SILENT = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/**
 * The credentials of a profile of the shared files, and of it alone, as the AWS CLI takes `--profile`: access
 * keys in the environment do not win over it, and a profile that gives none is an error, not the next source
 * of the SDK's default chain (the instance's role). The provider is the one that chain uses for profiles
 * (single sign-on, roles and processes included), loaded from beside the client's own chain.
 */
function profileCredentials(sdk: string, profile: string): CredentialsProvider {
  const client = createRequire(require.resolve(sdk));
  const chain = createRequire(client.resolve('@aws-sdk/credential-provider-node'));
  const { fromIni } = chain('@aws-sdk/credential-provider-ini') as {
    fromIni: (init: { profile: string; logger: typeof SILENT }) => CredentialsProvider;
  };
  return fromIni({ profile, logger: SILENT });
}

interface MiddlewareAdder {
  add(
    middleware: ReturnType<typeof boundedAnswers>,
    options: { step: 'deserialize'; priority: 'low'; name: string },
  ): void;
}

/** An SDK failure, with the action that failed. */
export class CallError extends Error {
  constructor(
    readonly action: string,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

class MissingRegion extends Error {}

/** What a service answered that opslint cannot use (a deleted stack, no template): the message says it. */
export class ServiceProblem extends Error {}

/** Why the deadline of a run aborts what is under way (`--fetch-timeout`). */
class CallsTimeout extends Error {
  constructor(readonly ms: number) {
    super(`the calls took more than ${ms} ms`);
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
      const stop = (): void => void guard.destroy(new CallsTimeout((deadline.reason as CallsTimeout).ms));
      deadline.addEventListener('abort', stop, { once: true });
      response.body = pipeline(body, guard, () => deadline.removeEventListener('abort', stop));
      return out;
    };
}

/** How messages name the service: with the endpoint given, if any, without its secrets. */
function serviceName(service: AwsService, access: Pick<AwsAccess, 'endpointUrl'>): string {
  return access.endpointUrl !== undefined ? `${service.name} at ${redactUrl(access.endpointUrl)}` : service.name;
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
  service: AwsService,
  access: Pick<AwsAccess, 'profile' | 'endpointUrl' | 'requestTimeoutMs'>,
): string | undefined {
  const action = error instanceof CallError ? error.action : undefined;
  const e = (error instanceof CallError ? error.cause : error) as SdkError;
  const named = serviceName(service, access);
  // the SDK wraps what it cannot recognise as an Error (an error from another realm) in a message of its own
  const what = (e?.message ?? String(e))
    .replace(/^AWS SDK error wrapper for (Error: )?/, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\.$/, '');
  const permission = action ? `${service.iam}:${action}` : service.name;
  // an error of the network names it in its message (`connect ETIMEDOUT 10.0.0.1:443`); the SDK's own timeouts do not
  const networkError = what.split(/[\s:]+/).some((w) => NETWORK.test(w));
  // the limits a hostile endpoint runs into; the SDK's AbortError carries the deadline's reason
  if (e instanceof AnswerTooLarge) {
    return `the answer of ${named} to ${action ?? 'a call'} is ${e.size !== undefined ? `${e.size} bytes, ` : ''}more than ${e.limit} bytes (limit: --max-file-size, limits.maxFileSize)`;
  }
  const late =
    e instanceof CallsTimeout ? e : e?.name === 'AbortError' && e.cause instanceof CallsTimeout ? e.cause : undefined;
  if (late) return `stopped: ${service.work} ${named} took more than ${late.ms} ms (limit: --fetch-timeout)`;
  const attempts = plural(e?.$metadata?.attempts ?? 1, 'attempt');
  if (e?.name === 'TimeoutError' && !networkError) {
    return `${named} did not answer ${action ?? 'a call'} within ${access.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS} ms (${attempts}; limit: --request-timeout)`;
  }
  // the note the SDK adds to an answer it could not parse (not XML, nested past its parser's stack)
  const unreadable = /\.? ?Deserialization error: to see the raw response.*$/;
  if (unreadable.test(what))
    return `${permission} failed: the answer of ${named} cannot be read (${what.replace(unreadable, '')})`;
  if (e instanceof MissingRegion)
    return 'no AWS region: pass --region, set AWS_REGION, or set a region in the AWS profile';
  if (e?.name === 'CredentialsProviderError' || e?.name === 'TokenProviderError') {
    if (access.profile !== undefined)
      return `no AWS credentials for profile ${access.profile} (${what}); configure the profile (aws configure --profile ${access.profile}, aws sso login --profile ${access.profile})`;
    return `no AWS credentials (${what}); configure them (aws configure, aws sso login, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) or pass --profile`;
  }
  if (e?.$metadata?.httpStatusCode !== undefined && e.name) {
    const code = e.name;
    const known = service.known?.(code, what);
    if (known !== undefined) return known;
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
      return `${permission} was throttled (${code}: ${what}) and failed after ${attempts}; ${service.whenThrottled}`;
    }
    return `${permission} failed: ${code}: ${what}`;
  }
  if ((e?.code !== undefined && NETWORK.test(e.code)) || networkError || e?.name === 'TimeoutError')
    return `cannot reach ${named} (${what})`;
  if (e instanceof ServiceProblem) return e.message;
  // anything else the SDK threw during a call, but not a bug of opslint's
  const bug =
    e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError || e instanceof SyntaxError;
  return error instanceof CallError && !bug ? `${permission} failed: ${what}` : undefined;
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
