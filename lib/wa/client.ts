/**
 * Access to the AWS Well-Architected Tool through `@aws-sdk/client-wellarchitected`, for `opslint wa`: a
 * workload's id from its name, the Operational Excellence questions of its `wellarchitected` lens review with
 * their choices, an answer's notes, notes written back, and a milestone. One client per run, with the
 * timeouts, retries, deadline, bounds and error lines of deployed stacks (`../sources/aws.ts`).
 *
 * A call that fails throws an {@link InputError} whose `format()` is the one line to show:
 * `Well-Architected ListAnswers for workload w-123: access denied: …`. The SDK is loaded when {@link openWa}
 * is called, not when this module is.
 */
import { randomUUID } from 'node:crypto';
import type * as Sdk from '@aws-sdk/client-wellarchitected';
import { InputError } from '../errors';
import { AwsCalls, CallError, type AwsAccess, type AwsService } from '../sources/aws';

/** The lens and pillar opslint writes evidence into. */
export const LENS_ALIAS = 'wellarchitected';
export const PILLAR_ID = 'operationalExcellence';

export type WaOptions = Pick<AwsAccess, 'region' | 'profile' | 'endpointUrl' | 'requestTimeoutMs' | 'fetchTimeoutMs'>;

export interface WaChoice {
  readonly choiceId: string;
  readonly title: string;
}

/** A question of the pillar as ListAnswers gives it. */
export interface WaQuestion {
  /** e.g. `dev_integ` */
  readonly questionId: string;
  readonly title: string;
  /** in the order of the lens, the `None of these` choice included */
  readonly choices: readonly WaChoice[];
  readonly selectedChoices: readonly string[];
  readonly isApplicable?: boolean;
}

/** What GetAnswer says of a question's notes. */
export interface WaAnswer {
  /** the question's notes ('' when none) */
  readonly notes: string;
  /** each choice's notes, for the choices that have any */
  readonly choiceNotes: Readonly<Record<string, string>>;
  readonly selectedChoices: readonly string[];
  /** the choices a reviewer marked not applicable */
  readonly notApplicableChoices: readonly string[];
  /** false when a reviewer marked the whole question not applicable */
  readonly isApplicable: boolean;
}

/** What to write; what is left out stays as it is. */
export interface WaAnswerUpdate {
  readonly notes?: string;
  /** notes of these choices; the others are left as they are */
  readonly choiceNotes?: Readonly<Record<string, string>>;
  /**
   * the choices selected from now on (all the others unselected, but for those marked not applicable, which
   * keep that status); without it, no selection changes
   */
  readonly selectedChoices?: readonly string[];
}

export interface WaSession {
  /** The id of the workload named `name` exactly; an error when none or several are. */
  findWorkload(name: string): Promise<string>;
  /** The questions of the Operational Excellence pillar, every page, in the order returned. */
  listOpsAnswers(workloadId: string): Promise<WaQuestion[]>;
  getAnswer(workloadId: string, questionId: string): Promise<WaAnswer>;
  /** One UpdateAnswer with what `update` names; none when it names nothing. */
  updateAnswer(workloadId: string, questionId: string, update: WaAnswerUpdate): Promise<void>;
  /** Records a milestone; `exists` when the workload has one of that name already. */
  createMilestone(workloadId: string, name: string): Promise<'created' | 'exists'>;
}

const WELL_ARCHITECTED: AwsService = {
  name: 'Well-Architected',
  sdk: '@aws-sdk/client-wellarchitected',
  iam: 'wellarchitected',
  work: 'the calls to',
  whenThrottled: 'run again later, or allow more attempts with AWS_MAX_ATTEMPTS',
  known: (code, what) => (code === 'ResourceNotFoundException' ? `not found (${what})` : undefined),
};

/** Pages of ListWorkloads and ListAnswers ask for this many entries, the most the API gives. */
const PAGE_SIZE = 50;

/** A session of calls to the Well-Architected Tool; the deadline (`fetchTimeoutMs`) runs from here. */
export function openWa(options: WaOptions): WaSession {
  const sdk = require('@aws-sdk/client-wellarchitected') as typeof Sdk;
  return new Session(sdk, options);
}

/** How a choice stands now: what UpdateAnswer has to be told again to leave it so. */
interface ChoiceState {
  readonly status: Sdk.ChoiceStatus;
  readonly reason?: Sdk.ChoiceReason;
}

class Session implements WaSession {
  private readonly calls: AwsCalls<Sdk.WellArchitectedClient>;
  private region: Promise<string | undefined> | undefined;
  /** per workload and question, the choices as the last GetAnswer or UpdateAnswer of this run left them */
  private readonly choices = new Map<string, Map<string, ChoiceState>>();

  constructor(
    private readonly sdk: typeof Sdk,
    options: WaOptions,
  ) {
    this.calls = new AwsCalls(WELL_ARCHITECTED, options, (config) => new sdk.WellArchitectedClient(config));
    // a bound on the run, which does not keep the process alive once its work is done
    this.calls.startDeadline().unref();
  }

  async findWorkload(name: string): Promise<string> {
    const where = `workload "${name}"`;
    const ids: string[] = [];
    await this.guard(where, 'ListWorkloads', async (region) => {
      const pages = this.calls.pages('ListWorkloads', (token) =>
        this.calls.send(region, 'ListWorkloads', (c, o) =>
          c.send(
            new this.sdk.ListWorkloadsCommand({ WorkloadNamePrefix: name, NextToken: token, MaxResults: PAGE_SIZE }),
            o,
          ),
        ),
      );
      for await (const page of pages)
        for (const w of page.WorkloadSummaries ?? [])
          if (w.WorkloadName === name && w.WorkloadId) ids.push(w.WorkloadId);
    });
    const at = `Well-Architected ListWorkloads for ${where}`;
    if (ids.length === 0) throw new InputError('no workload has this name in the region; check --region', at);
    if (ids.length > 1)
      throw new InputError(`${ids.length} workloads have this name (${ids.join(', ')}); name one by its id`, at);
    return ids[0];
  }

  async listOpsAnswers(workloadId: string): Promise<WaQuestion[]> {
    const out: WaQuestion[] = [];
    await this.guard(`workload ${workloadId}`, 'ListAnswers', async (region) => {
      const pages = this.calls.pages('ListAnswers', (token) =>
        this.calls.send(region, 'ListAnswers', (c, o) =>
          c.send(
            new this.sdk.ListAnswersCommand({
              WorkloadId: workloadId,
              LensAlias: LENS_ALIAS,
              PillarId: PILLAR_ID,
              NextToken: token,
              MaxResults: PAGE_SIZE,
            }),
            o,
          ),
        ),
      );
      for await (const page of pages) {
        for (const a of page.AnswerSummaries ?? []) {
          if (!a.QuestionId) continue;
          out.push({
            questionId: a.QuestionId,
            title: a.QuestionTitle ?? '',
            choices: (a.Choices ?? []).flatMap((c) =>
              c.ChoiceId ? [{ choiceId: c.ChoiceId, title: c.Title ?? '' }] : [],
            ),
            selectedChoices: a.SelectedChoices ?? [],
            ...(a.IsApplicable !== undefined ? { isApplicable: a.IsApplicable } : {}),
          });
        }
      }
    });
    return out;
  }

  async getAnswer(workloadId: string, questionId: string): Promise<WaAnswer> {
    const answer = await this.guard(`workload ${workloadId}`, 'GetAnswer', async (region) => {
      const out = await this.calls.send(region, 'GetAnswer', (c, o) =>
        c.send(
          new this.sdk.GetAnswerCommand({ WorkloadId: workloadId, LensAlias: LENS_ALIAS, QuestionId: questionId }),
          o,
        ),
      );
      return out.Answer ?? {};
    });
    this.remember(workloadId, questionId, answer);
    const choiceNotes: Record<string, string> = {};
    for (const c of answer.ChoiceAnswers ?? []) if (c.ChoiceId && c.Notes) choiceNotes[c.ChoiceId] = c.Notes;
    const notApplicable = (answer.ChoiceAnswers ?? []).flatMap((c) =>
      c.ChoiceId && c.Status === this.sdk.ChoiceStatus.NOT_APPLICABLE ? [c.ChoiceId] : [],
    );
    return {
      notes: answer.Notes ?? '',
      choiceNotes,
      selectedChoices: (answer.SelectedChoices ?? []).filter((c) => !notApplicable.includes(c)),
      notApplicableChoices: notApplicable,
      isApplicable: answer.IsApplicable !== false,
    };
  }

  async updateAnswer(workloadId: string, questionId: string, update: WaAnswerUpdate): Promise<void> {
    const notes = Object.entries(update.choiceNotes ?? {});
    if (update.notes === undefined && notes.length === 0 && update.selectedChoices === undefined) return;
    // a ChoiceUpdate must say the choice's status: the one it has, or the one `selectedChoices` gives it
    const now =
      notes.length > 0 || update.selectedChoices !== undefined
        ? await this.choiceStates(workloadId, questionId)
        : new Map<string, ChoiceState>();
    const { NOT_APPLICABLE, SELECTED, UNSELECTED } = this.sdk.ChoiceStatus;
    const notApplicable = new Set([...now].filter(([, c]) => c.status === NOT_APPLICABLE).map(([id]) => id));
    // a reviewer's "not applicable" (and its reason) stands, whatever the selection asks
    const selected = update.selectedChoices && new Set(update.selectedChoices.filter((c) => !notApplicable.has(c)));
    const choiceUpdates: Record<string, Sdk.ChoiceUpdate> = {};
    const restate = (choiceId: string, text?: string): void => {
      const current = now.get(choiceId) ?? { status: UNSELECTED };
      const status: Sdk.ChoiceStatus =
        !selected || current.status === NOT_APPLICABLE
          ? current.status
          : selected.has(choiceId)
            ? SELECTED
            : UNSELECTED;
      const reason = status === NOT_APPLICABLE ? current.reason : undefined;
      choiceUpdates[choiceId] = {
        Status: status,
        ...(reason !== undefined ? { Reason: reason } : {}),
        ...(text !== undefined ? { Notes: text } : {}),
      };
    };
    for (const [choiceId, text] of notes) restate(choiceId, text);
    // SelectedChoices replaces the selection: the choices not applicable are restated, so that none is reset
    if (selected) for (const choiceId of notApplicable) if (!(choiceId in choiceUpdates)) restate(choiceId);
    const answer = await this.guard(`workload ${workloadId}`, 'UpdateAnswer', async (region) => {
      const out = await this.calls.send(region, 'UpdateAnswer', (c, o) =>
        c.send(
          new this.sdk.UpdateAnswerCommand({
            WorkloadId: workloadId,
            LensAlias: LENS_ALIAS,
            QuestionId: questionId,
            ...(update.notes !== undefined ? { Notes: update.notes } : {}),
            ...(Object.keys(choiceUpdates).length > 0 ? { ChoiceUpdates: choiceUpdates } : {}),
            ...(selected ? { SelectedChoices: [...selected] } : {}),
          }),
          o,
        ),
      );
      return out.Answer;
    });
    if (answer) this.remember(workloadId, questionId, answer);
    else this.choices.delete(key(workloadId, questionId));
  }

  async createMilestone(workloadId: string, name: string): Promise<'created' | 'exists'> {
    let exists = false;
    await this.guard(`workload ${workloadId}`, 'CreateMilestone', (region) =>
      this.calls.send(region, 'CreateMilestone', (c, o) =>
        // one token for the call and the SDK's retries of it: a retry does not make a second milestone
        c
          .send(
            new this.sdk.CreateMilestoneCommand({
              WorkloadId: workloadId,
              MilestoneName: name,
              ClientRequestToken: randomUUID(),
            }),
            o,
          )
          .catch((error: unknown) => {
            // a release job run again: its milestone was recorded the first time
            if ((error as { name?: unknown } | null)?.name !== 'ConflictException') throw error;
            exists = true;
            return undefined;
          }),
      ),
    );
    return exists ? 'exists' : 'created';
  }

  /** The choices of a question as they stand: from this run's last answer, or GetAnswer. */
  private async choiceStates(workloadId: string, questionId: string): Promise<Map<string, ChoiceState>> {
    const known = this.choices.get(key(workloadId, questionId));
    if (known) return known;
    await this.getAnswer(workloadId, questionId);
    return this.choices.get(key(workloadId, questionId))!;
  }

  private remember(workloadId: string, questionId: string, answer: Sdk.Answer): void {
    const selected = new Set(answer.SelectedChoices ?? []);
    const states = new Map<string, ChoiceState>();
    for (const c of answer.Choices ?? [])
      if (c.ChoiceId)
        states.set(c.ChoiceId, {
          status: selected.has(c.ChoiceId) ? this.sdk.ChoiceStatus.SELECTED : this.sdk.ChoiceStatus.UNSELECTED,
        });
    for (const c of answer.ChoiceAnswers ?? [])
      if (c.ChoiceId && c.Status)
        states.set(c.ChoiceId, { status: c.Status, ...(c.Reason ? { reason: c.Reason } : {}) });
    this.choices.set(key(workloadId, questionId), states);
  }

  /** `work` in the region of the session; what fails is one line naming the workload (`where`) and the call. */
  private async guard<T>(where: string, action: string, work: (region: string | undefined) => Promise<T>): Promise<T> {
    try {
      this.region ??=
        this.calls.access.region !== undefined ? Promise.resolve(this.calls.access.region) : this.calls.defaultRegion();
      return await work(await this.region);
    } catch (error) {
      const message = this.calls.message(error);
      if (message === undefined) throw error instanceof CallError ? error.cause : error;
      throw new InputError(
        message,
        `Well-Architected ${error instanceof CallError ? error.action : action} for ${where}`,
      );
    }
  }
}

const key = (workloadId: string, questionId: string): string => `${workloadId}\n${questionId}`;
