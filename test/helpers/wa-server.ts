/**
 * A stand-in for the AWS Well-Architected Tool on 127.0.0.1, for the tests of `opslint wa`: the REST routes and
 * JSON bodies the SDK's client uses (restJson1, as its schemas in @aws-sdk/client-wellarchitected declare them)
 * for ListWorkloads, ListAnswers, GetAnswer, UpdateAnswer and CreateMilestone, over workloads whose
 * `wellarchitected` lens review it keeps and changes as UpdateAnswer asks. Every call answered is recorded. It can
 * throttle or deny calls, leave them unanswered, and page for ever with one NextToken.
 *
 * Its questions are the Operational Excellence questions of the lens ({@link opsQuestions}): ids made up in
 * the style of the real ones, a choice per best practice of lib/framework (its id, the page slug; its title),
 * and each question's `None of these`.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { QUESTIONS } from '../../lib/framework';

export const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
/** The limits of the service on notes (UpdateAnswer answers a ValidationException past them). */
export const QUESTION_NOTES_MAX = 2084;
export const CHOICE_NOTES_MAX = 250;

export interface WaServerChoice {
  readonly choiceId: string;
  readonly title: string;
}

export interface WaServerQuestion {
  readonly questionId: string;
  readonly title: string;
  /** default operationalExcellence */
  readonly pillarId?: string;
  readonly choices: readonly WaServerChoice[];
}

export interface WaServerWorkload {
  readonly id: string;
  readonly name: string;
}

/** A call the SDK made: what it asked, with the access key and region of its signature, and the status answered. */
export interface WaCall {
  readonly action: string;
  readonly workloadId?: string;
  readonly lensAlias?: string;
  readonly questionId?: string;
  /** the query string's parameters */
  readonly query: Readonly<Record<string, string>>;
  /** the JSON body, parsed ({} for none) */
  readonly body: Readonly<Record<string, unknown>>;
  readonly accessKey?: string;
  readonly region?: string;
  readonly status: number;
}

export type WaChoiceStatus = 'SELECTED' | 'UNSELECTED' | 'NOT_APPLICABLE';

/** A question's answer as the server keeps it. */
export interface WaServerAnswer {
  notes?: string;
  selectedChoices: string[];
  /** per choice: its notes and, for a choice that does not apply, its status and reason */
  choices: Record<string, { notes?: string; status?: WaChoiceStatus; reason?: string }>;
  isApplicable: boolean;
}

export interface WaServerOptions {
  /** default: one workload, `orders`, id {@link WORKLOAD_ID} */
  readonly workloads?: readonly WaServerWorkload[];
  /** default: {@link opsQuestions} and one question of another pillar, which ListAnswers for OPS leaves out */
  readonly questions?: readonly WaServerQuestion[];
  /** entries per page of ListWorkloads and ListAnswers, at most (the client's MaxResults may ask fewer); default 50 */
  readonly pageSize?: number;
  /** the first `times` calls (of `action`, or of any action) fail with 429 ThrottlingException */
  readonly throttle?: { readonly times: number; readonly action?: string };
  /** calls of these actions fail with 403 AccessDeniedException */
  readonly deny?: readonly string[];
  /** calls of `action` after its first `after` fail with 400 ValidationException */
  readonly reject?: { readonly action: string; readonly after: number };
  /** calls of this action are never answered */
  readonly stall?: string;
  /** the pages of `action` never end: every page has the NextToken of the second page */
  readonly repeatToken?: 'ListWorkloads' | 'ListAnswers';
}

export interface WaServer {
  readonly url: string;
  readonly calls: WaCall[];
  /** The answer as it stands now (a copy); undefined for an unknown workload or question. */
  answer(workloadId: string, questionId: string): WaServerAnswer | undefined;
  /** Sets parts of an answer, as a user of the console would have. */
  seedAnswer(workloadId: string, questionId: string, answer: Partial<WaServerAnswer>): void;
  /** The milestones recorded, in order. */
  readonly milestones: { readonly workloadId: string; readonly name: string; readonly number: number }[];
  close(): Promise<void>;
}

export const WORKLOAD_ID = '0123456789abcdef0123456789abcdef';

/**
 * The Operational Excellence questions of the `wellarchitected` lens, OPS01 to OPS11 in order: a question id
 * like the real ones (`organization_priorities`), a choice per best practice (id: its page slug, like the real
 * `ops_priorities_ext_cust_needs`; title: its title) and `None of these` (`<common prefix>_no`). A new copy
 * each call, for a test to change.
 */
export function opsQuestions(): WaServerQuestion[] {
  return QUESTIONS.map((q) => {
    const slugs = q.bestPractices.map((bp) => bp.slug);
    return {
      questionId: q.slug.replace(/-/g, '_'),
      title: q.title,
      choices: [
        ...q.bestPractices.map((bp) => ({ choiceId: bp.slug, title: bp.title })),
        { choiceId: `${commonPrefix(slugs)}no`, title: 'None of these' },
      ],
    };
  });
}

/** The longest start that every slug shares, up to and with an underscore: `ops_priorities_`. */
function commonPrefix(slugs: readonly string[]): string {
  const parts = slugs.map((s) => s.split('_'));
  const shared: string[] = [];
  for (let i = 0; parts.every((p) => i < p.length - 1 && p[i] === parts[0][i]); i++) shared.push(parts[0][i]);
  return shared.map((p) => `${p}_`).join('');
}

const OTHER_PILLAR: WaServerQuestion = {
  questionId: 'securely_operate',
  title: 'How do you securely operate your workload?',
  pillarId: 'security',
  choices: [
    { choiceId: 'sec_securely_operate_multi_accounts', title: 'Separate workloads using accounts' },
    { choiceId: 'sec_securely_operate_no', title: 'None of these' },
  ],
};

class Refusal {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly message: string,
  ) {}
}

export async function startWaServer(options: WaServerOptions = {}): Promise<WaServer> {
  const workloads = options.workloads ?? [{ id: WORKLOAD_ID, name: 'orders' }];
  const questions = options.questions ?? [...opsQuestions(), OTHER_PILLAR];
  const pageSize = options.pageSize ?? 50;
  const calls: WaCall[] = [];
  const milestones: { workloadId: string; name: string; number: number; token?: string }[] = [];
  const answers = new Map<string, WaServerAnswer>();
  let throttled = 0;

  const workload = (id: string | undefined): WaServerWorkload => {
    const found = workloads.find((w) => w.id === id);
    if (!found) throw new Refusal(404, 'ResourceNotFoundException', `No workload found with id ${id}`);
    return found;
  };
  const question = (id: string | undefined): WaServerQuestion => {
    const found = questions.find((q) => q.questionId === id);
    if (!found) throw new Refusal(404, 'ResourceNotFoundException', `No question found with id ${id}`);
    return found;
  };
  const stateOf = (workloadId: string, questionId: string): WaServerAnswer => {
    const key = `${workloadId}/${questionId}`;
    let state = answers.get(key);
    if (!state) answers.set(key, (state = { selectedChoices: [], choices: {}, isApplicable: true }));
    return state;
  };
  const statusOf = (a: WaServerAnswer, choiceId: string): WaChoiceStatus =>
    a.choices[choiceId]?.status === 'NOT_APPLICABLE'
      ? 'NOT_APPLICABLE'
      : a.selectedChoices.includes(choiceId)
        ? 'SELECTED'
        : 'UNSELECTED';
  const choicesOf = (q: WaServerQuestion) =>
    q.choices.map((c) => ({ ChoiceId: c.choiceId, Title: c.title, Description: `${c.title}.` }));
  const summary = (workloadId: string, q: WaServerQuestion) => {
    const a = stateOf(workloadId, q.questionId);
    return {
      QuestionId: q.questionId,
      PillarId: q.pillarId ?? 'operationalExcellence',
      QuestionTitle: q.title,
      Choices: choicesOf(q),
      SelectedChoices: a.selectedChoices,
      ChoiceAnswerSummaries: q.choices.map((c) => ({ ChoiceId: c.choiceId, Status: statusOf(a, c.choiceId) })),
      IsApplicable: a.isApplicable,
      Risk: a.selectedChoices.length > 0 ? 'NONE' : 'UNANSWERED',
      QuestionType: 'PRIORITIZED',
    };
  };
  const fullAnswer = (workloadId: string, q: WaServerQuestion) => {
    const a = stateOf(workloadId, q.questionId);
    const { ChoiceAnswerSummaries: _, ...rest } = summary(workloadId, q);
    return {
      ...rest,
      QuestionDescription: q.title,
      ChoiceAnswers: q.choices.map((c) => ({
        ChoiceId: c.choiceId,
        Status: statusOf(a, c.choiceId),
        ...(a.choices[c.choiceId]?.reason !== undefined ? { Reason: a.choices[c.choiceId].reason } : {}),
        ...(a.choices[c.choiceId]?.notes !== undefined ? { Notes: a.choices[c.choiceId].notes } : {}),
      })),
      ...(a.notes !== undefined ? { Notes: a.notes } : {}),
    };
  };
  const lensReview = (workloadId: string, lensAlias: string | undefined) => {
    if (lensAlias !== 'wellarchitected')
      throw new Refusal(404, 'ResourceNotFoundException', `No lens review found for lens ${lensAlias}`);
    return {
      WorkloadId: workloadId,
      LensAlias: lensAlias,
      LensArn: 'arn:aws:wellarchitected::aws:lens/wellarchitected',
    };
  };
  /** A page of `all` from `token` (an offset), with the next token, or the second page's for ever. */
  const page = <T>(all: readonly T[], token: unknown, maxResults: unknown, action: string) => {
    const size = Math.min(pageSize, typeof maxResults === 'number' && maxResults > 0 ? maxResults : pageSize);
    const start = typeof token === 'string' ? Number(Buffer.from(token, 'base64').toString()) : 0;
    const end = start + size;
    const next = options.repeatToken === action ? size : end < all.length ? end : undefined;
    return {
      items: all.slice(start, end),
      ...(next !== undefined ? { NextToken: Buffer.from(String(next)).toString('base64') } : {}),
    };
  };

  type Route = (
    params: { workloadId?: string; lensAlias?: string; questionId?: string },
    query: Record<string, string>,
    body: Record<string, unknown>,
  ) => unknown;
  const routes: { action: string; method: string; path: RegExp; answer: Route }[] = [
    {
      action: 'ListWorkloads',
      method: 'POST',
      path: /^\/workloadsSummaries$/,
      answer: (_, __, body) => {
        // the prefix matched without regard to case, the looser reading: the client keeps the exact name
        const prefix = typeof body.WorkloadNamePrefix === 'string' ? body.WorkloadNamePrefix.toLowerCase() : '';
        const { items, ...next } = page(
          workloads.filter((w) => w.name.toLowerCase().startsWith(prefix)),
          body.NextToken,
          body.MaxResults,
          'ListWorkloads',
        );
        const summaries = items.map((w) => ({
          WorkloadId: w.id,
          WorkloadArn: `arn:aws:wellarchitected:${REGION}:${ACCOUNT}:workload/${w.id}`,
          WorkloadName: w.name,
          Owner: ACCOUNT,
          UpdatedAt: 1_764_979_200,
          Lenses: ['wellarchitected'],
        }));
        return { WorkloadSummaries: summaries, ...next };
      },
    },
    {
      action: 'ListAnswers',
      method: 'GET',
      path: /^\/workloads\/(?<workloadId>[^/]+)\/lensReviews\/(?<lensAlias>[^/]+)\/answers$/,
      answer: ({ workloadId, lensAlias }, query) => {
        const w = workload(workloadId);
        const review = lensReview(w.id, lensAlias);
        const pillar = query.PillarId;
        const asked = questions.filter(
          (q) => pillar === undefined || (q.pillarId ?? 'operationalExcellence') === pillar,
        );
        const { items, ...next } = page(
          asked,
          query.NextToken,
          query.MaxResults === undefined ? undefined : Number(query.MaxResults),
          'ListAnswers',
        );
        return { ...review, AnswerSummaries: items.map((q) => summary(w.id, q)), ...next };
      },
    },
    {
      action: 'GetAnswer',
      method: 'GET',
      path: /^\/workloads\/(?<workloadId>[^/]+)\/lensReviews\/(?<lensAlias>[^/]+)\/answers\/(?<questionId>[^/]+)$/,
      answer: ({ workloadId, lensAlias, questionId }) => {
        const w = workload(workloadId);
        const review = lensReview(w.id, lensAlias);
        return { ...review, Answer: fullAnswer(w.id, question(questionId)) };
      },
    },
    {
      action: 'UpdateAnswer',
      method: 'PATCH',
      path: /^\/workloads\/(?<workloadId>[^/]+)\/lensReviews\/(?<lensAlias>[^/]+)\/answers\/(?<questionId>[^/]+)$/,
      answer: ({ workloadId, lensAlias, questionId }, _, body) => {
        const w = workload(workloadId);
        const review = lensReview(w.id, lensAlias);
        const q = question(questionId);
        const invalid = (message: string): Refusal => new Refusal(400, 'ValidationException', message);
        const known = (id: string): boolean => q.choices.some((c) => c.choiceId === id);
        const selected = body.SelectedChoices as string[] | undefined;
        const updates = (body.ChoiceUpdates ?? {}) as Record<
          string,
          { Status?: WaChoiceStatus; Reason?: string; Notes?: string }
        >;
        const notes = body.Notes as string | undefined;
        if (notes !== undefined && notes.length > QUESTION_NOTES_MAX)
          throw invalid(`Notes must be at most ${QUESTION_NOTES_MAX} characters`);
        for (const id of selected ?? []) if (!known(id)) throw invalid(`Invalid choice id ${id}`);
        for (const [id, u] of Object.entries(updates)) {
          if (!known(id)) throw invalid(`Invalid choice id ${id}`);
          if (u.Status === undefined) throw invalid(`ChoiceUpdates.${id}.Status is required`);
          if (u.Notes !== undefined && u.Notes.length > CHOICE_NOTES_MAX)
            throw invalid(`ChoiceUpdates.${id}.Notes must be at most ${CHOICE_NOTES_MAX} characters`);
        }
        const a = stateOf(w.id, q.questionId);
        if (notes !== undefined) a.notes = notes;
        if (selected !== undefined) {
          a.selectedChoices = [...selected];
          // a choice selected is no longer not applicable: its status and reason go
          for (const id of selected) {
            delete a.choices[id]?.status;
            delete a.choices[id]?.reason;
          }
        }
        for (const [id, u] of Object.entries(updates)) {
          const choice = (a.choices[id] ??= {});
          if (u.Notes !== undefined) choice.notes = u.Notes;
          a.selectedChoices = a.selectedChoices.filter((c) => c !== id);
          if (u.Status === 'SELECTED') a.selectedChoices.push(id);
          if (u.Status === 'NOT_APPLICABLE') Object.assign(choice, { status: u.Status, reason: u.Reason });
          else {
            delete choice.status;
            delete choice.reason;
          }
        }
        if (body.IsApplicable !== undefined) a.isApplicable = body.IsApplicable === true;
        return { ...review, Answer: fullAnswer(w.id, q) };
      },
    },
    {
      action: 'CreateMilestone',
      method: 'POST',
      path: /^\/workloads\/(?<workloadId>[^/]+)\/milestones$/,
      answer: ({ workloadId }, _, body) => {
        const w = workload(workloadId);
        const token = body.ClientRequestToken as string | undefined;
        const again = milestones.find((m) => m.workloadId === w.id && token !== undefined && m.token === token);
        if (again) return { WorkloadId: w.id, MilestoneNumber: again.number };
        const name = body.MilestoneName as string;
        if (milestones.some((m) => m.workloadId === w.id && m.name === name))
          throw new Refusal(409, 'ConflictException', `A milestone named ${name} already exists`);
        const number = milestones.filter((m) => m.workloadId === w.id).length + 1;
        milestones.push({ workloadId: w.id, name, number, token });
        return { WorkloadId: w.id, MilestoneNumber: number };
      },
    },
  ];

  const server = createServer((req, res) => {
    void read(req).then((text) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const route = routes.find((r) => r.method === req.method && r.path.test(url.pathname));
      const groups = route?.path.exec(url.pathname)?.groups ?? {};
      const params = Object.fromEntries(Object.entries(groups).map(([k, v]) => [k, decodeURIComponent(v)]));
      const query = Object.fromEntries(url.searchParams);
      const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      const action = route?.action ?? `${req.method} ${url.pathname}`;
      const signature = /Credential=([^/]+)\/[^/]+\/([^/]+)\/wellarchitected\//.exec(req.headers.authorization ?? '');
      const send = (status: number, answer: unknown, type?: string): void => {
        calls.push({
          action,
          ...params,
          query,
          body,
          accessKey: signature?.[1],
          region: signature?.[2],
          status,
        });
        res.writeHead(status, {
          'content-type': 'application/json',
          'x-amzn-requestid': `req-${calls.length}`,
          ...(type ? { 'x-amzn-errortype': type } : {}),
        });
        res.end(JSON.stringify(answer));
      };
      const refuse = (r: Refusal): void => send(r.status, { Message: r.message }, r.type);
      if (!route) return refuse(new Refusal(404, 'UnknownOperationException', `no route for ${action}`));
      if (options.stall === action) return;
      const t = options.throttle;
      if (t && throttled < t.times && (t.action === undefined || t.action === action)) {
        throttled++;
        return refuse(new Refusal(429, 'ThrottlingException', 'Rate exceeded'));
      }
      if (options.deny?.includes(action))
        return refuse(
          new Refusal(
            403,
            'AccessDeniedException',
            `User: arn:aws:iam::${ACCOUNT}:user/ci is not authorized to perform: wellarchitected:${action}`,
          ),
        );
      const r = options.reject;
      if (r?.action === action && calls.filter((c) => c.action === action).length >= r.after)
        return refuse(new Refusal(400, 'ValidationException', 'The request was rejected'));
      try {
        send(200, route.answer(params, query, body));
      } catch (error) {
        if (error instanceof Refusal) refuse(error);
        else throw error;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    milestones,
    answer: (workloadId, questionId) =>
      workloads.some((w) => w.id === workloadId) && questions.some((q) => q.questionId === questionId)
        ? (structuredClone(stateOf(workloadId, questionId)) as WaServerAnswer)
        : undefined,
    seedAnswer: (workloadId, questionId, answer) => void Object.assign(stateOf(workloadId, questionId), answer),
    close: () =>
      new Promise<void>((resolve) => {
        // the SDK keeps connections alive: end them, or close would wait for them
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function read(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
