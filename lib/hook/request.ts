/**
 * The request CloudFormation sends a Lambda Hook, and the answer it takes back, as the Hooks User Guide documents
 * them ("Create Lambda functions to evaluate resources for Lambda Hooks"). Every request names its target in
 * `requestData`: `STACK` and `CHANGE_SET` targets carry no template, only `payload`, a presigned S3 URL of a JSON
 * object holding it (`template`, empty when the stack is deleted; a change set's also lists `changedResources`);
 * a resource target (`targetType` a resource type such as `AWS::S3::Bucket`) carries the resource's proposed
 * properties in `targetModel.resourceProperties`. The stack request's shape writes the token `clientRequesttoken`
 * while its example writes `clientRequestToken`: both are read.
 */
import * as http from 'node:http';
import * as https from 'node:https';

/** Where in the operation the hook runs. */
export type InvocationPoint = 'CREATE_PRE_PROVISION' | 'UPDATE_PRE_PROVISION' | 'DELETE_PRE_PROVISION';

/** What a request asks about: a stack or change-set operation (its template behind `payloadUrl`), or one resource. */
export type HookTarget =
  | { readonly kind: 'stack' | 'change-set'; readonly payloadUrl: string; readonly logicalId: string }
  | { readonly kind: 'resource'; readonly type: string; readonly logicalId: string };

/** A Lambda Hook request, as far as opslint reads it. */
export interface HookRequest {
  readonly clientRequestToken: string;
  readonly accountId?: string;
  /** the stack's ARN (empty for Cloud Control API operations) */
  readonly stackId?: string;
  readonly changeSetId?: string;
  readonly invocationPoint?: InvocationPoint;
  readonly target: HookTarget;
}

/**
 * The answer: `hookStatus`, and with `FAILED` an `errorCode` (`NonCompliant`: evaluated and refused;
 * `InternalFailure`: the hook could not evaluate). The hook's `FailureMode`, not this answer, decides what a
 * `FAILED` does: `FAIL` stops the operation, `WARN` lets it go on with a warning.
 */
export interface HookResponse {
  readonly hookStatus: 'SUCCESS' | 'FAILED';
  readonly errorCode?: 'NonCompliant' | 'InternalFailure';
  readonly message: string;
  readonly clientRequestToken: string;
}

/** CloudFormation cuts a hook's message for a CloudFormation operation to this many characters. */
export const MESSAGE_LIMIT = 4096;

/** What the payload URL of a stack or change-set request holds. */
export interface HookPayload {
  /** the proposed template, JSON or YAML text as it was submitted; empty when the stack is deleted */
  readonly template?: string;
}

/** A request that is not one CloudFormation sends: what is wrong with it. */
export class HookRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HookRequestError';
  }
}

/** Reads a Lambda Hook request; throws {@link HookRequestError} naming what is missing. */
export function parseRequest(event: unknown): HookRequest {
  const e = record(event, 'the request');
  const token = e.clientRequestToken ?? e.clientRequesttoken;
  const data = record(e.requestData, 'requestData');
  const targetType = text(data.targetType, 'requestData.targetType');
  const logicalId = typeof data.targetLogicalId === 'string' ? data.targetLogicalId : '';
  const target: HookTarget =
    targetType === 'STACK' || targetType === 'CHANGE_SET'
      ? {
          kind: targetType === 'STACK' ? 'stack' : 'change-set',
          payloadUrl: text(data.payload, 'requestData.payload'),
          logicalId,
        }
      : { kind: 'resource', type: targetType, logicalId };
  return {
    clientRequestToken: typeof token === 'string' ? token : '',
    accountId: optionalText(e.awsAccountId),
    stackId: optionalText(e.stackId ?? e.stackID),
    changeSetId: optionalText(e.changeSetId),
    invocationPoint: optionalText(e.actionInvocationPoint) as InvocationPoint | undefined,
    target,
  };
}

/** The token a request carries, for an answer to a request that could not be read otherwise. */
export function requestToken(event: unknown): string {
  const e = event as Record<string, unknown> | null | undefined;
  const token = e?.clientRequestToken ?? e?.clientRequesttoken;
  return typeof token === 'string' ? token : '';
}

/** The region and stack name of a stack ARN (`arn:aws:cloudformation:REGION:ACCOUNT:stack/NAME/ID`). */
export function stackOfArn(arn: string | undefined): { readonly region?: string; readonly name?: string } {
  const m = /^arn:[^:]+:cloudformation:([^:]*):[^:]*:stack\/([^/]+)\//.exec(arn ?? '');
  return m ? { region: m[1] || undefined, name: m[2] } : {};
}

/** Most bytes read from a payload URL: CloudFormation takes templates of at most 1 MB, and a change set lists its changes too. */
const MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

/** Fetches and reads the JSON object behind a payload URL; throws {@link HookRequestError} saying why it could not. */
export async function fetchPayload(url: string, timeoutMs: number): Promise<HookPayload> {
  let body: string;
  try {
    body = await fetchText(url, timeoutMs);
  } catch (error) {
    throw new HookRequestError(`could not fetch the template from the payload URL: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw new HookRequestError(`the payload is not JSON: ${(error as Error).message}`);
  }
  const payload = record(value, 'the payload');
  if (payload.template !== undefined && payload.template !== null && typeof payload.template !== 'string')
    throw new HookRequestError('the payload has a `template` that is not text');
  return { template: (payload.template as string | null | undefined) ?? undefined };
}

/** The body of a GET, as text; rejects on a status other than 200, a body over the limit, or `timeoutMs` passed. */
function fetchText(url: string, timeoutMs: number): Promise<string> {
  const get = url.startsWith('https:') ? https.get : url.startsWith('http:') ? http.get : undefined;
  if (!get) return Promise.reject(new Error('not an http(s) URL'));
  return new Promise((resolve, reject) => {
    const request = get(url, { timeout: timeoutMs }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        reject(new Error(`HTTP ${response.statusCode}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_PAYLOAD_BYTES) request.destroy(new Error(`more than ${MAX_PAYLOAD_BYTES} bytes`));
        else chunks.push(chunk);
      });
      response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', reject);
  });
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new HookRequestError(`${what} is not an object`);
  return value as Record<string, unknown>;
}

function text(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') throw new HookRequestError(`${what} is missing`);
  return value;
}

function optionalText(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
