import {
  defineRule,
  type Verdict,
  ALARM,
  alarmActionKinds,
  COMPOSITE_ALARM,
  isFalse,
  asIntrinsic,
  boundedJoin,
  boundedReplace,
  getAttParts,
  isPlainObject,
  subVariables,
  type Template,
} from '../../lib/rule';

/** A URL, or the words runbook / run book / playbook. */
const DEFAULT_PATTERN = '(https?://\\S+|\\brun[- ]?books?\\b|\\bplaybooks?\\b)';
const TAG_KEY = /runbook|run-book|playbook/i;

export default defineRule({
  id: 'alarm-runbook-link',
  title: 'Alarms that notify people point to the runbook responders follow',
  bestPractice: 'OPS07-BP03',
  resourceTypes: [ALARM, COMPOSITE_ALARM],
  severity: 'info',
  options: {
    runbookPattern: DEFAULT_PATTERN,
  },
  optionsSchema: { runbookPattern: { type: 'string', format: 'regex' } },
  optionDocs: {
    runbookPattern:
      'Regular expression (source, matched ignoring case) that an AlarmDescription must match to count as a runbook reference. ' +
      'Default: any http(s) URL, or the words runbook, run book or playbook. A Runbook or Playbook tag on the alarm also counts.',
  },
  messages: {
    noRunbook:
      '{{kind}} {{name}} notifies people but its AlarmDescription does not point to a runbook; say what the alarm means and link the runbook or playbook to follow.',
  },
  why:
    'The person paged at night reads the alarm notification first. When the description says what the alarm ' +
    'means and links the procedure to follow (a wiki page, an SSM Automation runbook, a playbook), the response ' +
    'starts from a tested procedure instead of guesswork, and the procedure is found in seconds. The check looks ' +
    'at alarms whose actions reach people (SNS topics, OpsCenter OpsItems); alarms that only scale, recover an ' +
    'instance or invoke a function, and alarms that open an Incident Manager incident (whose response plan holds ' +
    'the runbook), are left out. A Runbook tag on the alarm is accepted too. The pattern is configurable for teams ' +
    'that reference runbooks by id.',
  fix: {
    cloudformation:
      'OrdersErrorsAlarm:\n  Type: AWS::CloudWatch::Alarm\n  Properties:\n    # …\n' +
      '    AlarmDescription: >-\n      Orders API returns 5xx errors. Runbook: https://wiki.example.com/runbooks/orders-5xx\n' +
      '    AlarmActions:\n      - !Ref OnCallTopic',
    cdk:
      'new cloudwatch.Alarm(this, "OrdersErrors", {\n  metric: fn.metricErrors(),\n  threshold: 1,\n  evaluationPeriods: 1,\n' +
      '  alarmDescription: "Orders API returns 5xx errors. Runbook: https://wiki.example.com/runbooks/orders-5xx",\n});\n' +
      '// composite alarms take the same alarmDescription prop',
  },
  check(resource, ctx) {
    if (ctx.satisfies('Properties.ActionsEnabled', (v) => !isFalse(v)) === false) return ctx.notApplicable();
    const kinds = alarmActionKinds(resource, ctx.template);
    if (!kinds || !kinds.has('notify') || kinds.has('incident')) return ctx.notApplicable();
    if (hasRunbookTag(ctx.template, resource.properties.Tags)) return;

    const pattern = ctx.memo('pattern', () => new RegExp(String(ctx.options.runbookPattern), 'i'));
    if (describes(ctx.template, resource.properties.AlarmDescription, pattern) === false) {
      ctx.report({
        messageId: 'noRunbook',
        path: 'Properties.AlarmDescription',
        data: { kind: resource.type === COMPOSITE_ALARM ? 'Composite alarm' : 'Alarm', name: resource.logicalId },
      });
    }
  },
});

function hasRunbookTag(template: Template, tags: unknown): boolean {
  const r = template.resolver.resolve(tags);
  if (!r.known || !Array.isArray(r.value)) return !r.known;
  return r.value.some(
    (tag) =>
      isPlainObject(tag) &&
      typeof tag.Key === 'string' &&
      TAG_KEY.test(tag.Key) &&
      tag.Value !== undefined &&
      tag.Value !== '',
  );
}

/** Does the description match the pattern? Unknown when it does not but holds a value that cannot be known here. */
function describes(template: Template, value: unknown, pattern: RegExp): Verdict {
  const r = template.resolver.resolve(value);
  if (r.known) return r.value !== undefined && r.value !== null && pattern.test(String(r.value));
  if (r.alternatives) {
    const verdicts = r.alternatives.map((a) => describes(template, a, pattern));
    if (verdicts.some((v) => v === undefined)) return undefined;
    return verdicts.every((v) => v === true);
  }
  const { text, open } = spell(template, value);
  if (pattern.test(text)) return true;
  return open ? undefined : false;
}

/**
 * The text of a description that cannot be fully resolved: the parts that can, with stack names and resource
 * attributes left blank (they are never a runbook link); `open` when a part could hold a link (a parameter
 * without a value, an import).
 */
function spell(template: Template, value: unknown): { text: string; open: boolean } {
  if (typeof value === 'string' || typeof value === 'number') return { text: String(value), open: false };
  const r = template.resolver.deep(value);
  if (r.known) return { text: typeof r.value === 'string' ? r.value : '', open: false };
  const fn = asIntrinsic(value);
  if (!fn) return { text: '', open: true };
  if (fn.name === 'Ref' && typeof fn.arg === 'string') return name(template, fn.arg);
  if (
    fn.name === 'Fn::GetAtt' &&
    getAttParts(fn.arg)?.[0] !== undefined &&
    template.resources.has(getAttParts(fn.arg)![0])
  )
    return { text: '', open: false };
  if (fn.name === 'Fn::Sub') {
    const [tpl, vars] = Array.isArray(fn.arg) ? [fn.arg[0], fn.arg[1]] : [fn.arg, undefined];
    if (typeof tpl !== 'string') return { text: '', open: true };
    let open = false;
    const parts = new Map<string, string>();
    for (const v of subVariables(tpl)) {
      const given =
        isPlainObject(vars) && Object.prototype.hasOwnProperty.call(vars, v.raw)
          ? spell(template, vars[v.raw])
          : v.attribute !== undefined
            ? { text: '', open: false }
            : name(template, v.name);
      open ||= given.open;
      parts.set(v.raw, given.text);
    }
    const text = boundedReplace(tpl, ({ inner }) =>
      inner.startsWith('!') ? `\${${inner}}` : (parts.get(inner.trim()) ?? ''),
    );
    return text === undefined ? { text: '', open: true } : { text, open };
  }
  if (fn.name === 'Fn::Join' && Array.isArray(fn.arg) && Array.isArray(fn.arg[1])) {
    const pieces = (fn.arg[1] as unknown[]).map((p) => spell(template, p));
    const text = boundedJoin(
      pieces.map((p) => p.text),
      typeof fn.arg[0] === 'string' ? fn.arg[0] : '',
    );
    return text === undefined ? { text: '', open: true } : { text, open: pieces.some((p) => p.open) };
  }
  return { text: '', open: true };
}

/** A name in `Ref` or `${}`: a resource or pseudo parameter is never a link; a parameter is, when its value is unknown. */
function name(template: Template, id: string): { text: string; open: boolean } {
  if (template.resources.has(id) || id.startsWith('AWS::')) {
    const r = template.resolver.resolve({ Ref: id });
    return { text: r.known && typeof r.value === 'string' ? r.value : '', open: false };
  }
  const r = template.resolver.resolve({ Ref: id });
  return r.known && typeof r.value === 'string' ? { text: r.value, open: false } : { text: '', open: true };
}
