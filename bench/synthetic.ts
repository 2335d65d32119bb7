/**
 * Synthetic inputs of any size, built from the real resources of the shared corpus: corpus templates are
 * copied whole (resources with their parameters, conditions and mappings) under renamed logical ids, so
 * that references stay valid, until the wanted number of resources is reached: a folder of 500-resource
 * templates (JSON or YAML), or a cloud assembly (cdk.out) of 500-resource stacks with CDK's construct-path
 * metadata. Beside them, inputs as drafts are written, with many findings: small services of resources that
 * mostly lack their logs, traces and alarms.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as YAML from 'yaml';
import { InputError } from '../lib/template/errors';
import { Template } from '../lib/template/model';
import { parseDocument } from '../lib/template/parse';

type Obj = Record<string, unknown>;

/** The sections of one corpus template that are copied. */
interface Unit {
  readonly Parameters: Obj;
  readonly Conditions: Obj;
  readonly Mappings: Obj;
  readonly Resources: Obj;
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Corpus templates usable as building blocks: parsed cleanly, plain CloudFormation (no transform, whose
 * Globals or macros would not survive merging), resources given as a mapping, in manifest order.
 */
export function corpusUnits(corpus: string): Unit[] {
  const rows = readFileSync(path.join(corpus, 'MANIFEST.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((l) => l.split('\t'));
  const units: Unit[] = [];
  for (const row of rows) {
    const [file, , , , status] = [row[3], row[4], row[5], row[6], row[9]];
    if (status !== 'ok') continue;
    let doc: unknown;
    try {
      const parsed = parseDocument(readFileSync(path.join(corpus, file), 'utf8'), file);
      Template.from(parsed, { explicit: true }); // only templates the model accepts: a broken one would stop the whole file
      doc = parsed.value;
    } catch (error) {
      if (error instanceof InputError) continue;
      throw error;
    }
    if (!isObj(doc) || doc.Transform !== undefined || !isObj(doc.Resources) || Object.keys(doc.Resources).length === 0)
      continue;
    if (
      Object.keys(doc.Resources).some((id) => id.startsWith('Fn::ForEach')) ||
      !Object.values(doc.Resources).every(isObj)
    )
      continue;
    const section = (name: string): Obj => (isObj(doc[name]) ? (doc[name] as Obj) : {});
    units.push({
      Parameters: section('Parameters'),
      Conditions: section('Conditions'),
      Mappings: section('Mappings'),
      Resources: doc.Resources,
    });
  }
  return units;
}

/** A copy of `unit` with every name it defines suffixed, and every reference to those names rewritten. */
function renamed(unit: Unit, suffix: string): Unit {
  const refs = new Set([...Object.keys(unit.Resources), ...Object.keys(unit.Parameters)]);
  const conditions = new Set(Object.keys(unit.Conditions));
  const mappings = new Set(Object.keys(unit.Mappings));
  const ref = (name: unknown): unknown => (typeof name === 'string' && refs.has(name) ? name + suffix : name);
  const cond = (name: unknown): unknown => (typeof name === 'string' && conditions.has(name) ? name + suffix : name);
  const sub = (text: string): string =>
    text.replace(/\$\{([^}!.]+)(\.[^}]*)?\}/g, (all, name: string, attr: string | undefined) =>
      refs.has(name) ? `\${${name}${suffix}${attr ?? ''}}` : all,
    );

  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!isObj(v)) return v;
    const keys = Object.keys(v);
    if (keys.length === 1) {
      const [k] = keys;
      const a = v[k];
      if (k === 'Ref') return { Ref: ref(a) };
      if (k === 'Condition' && typeof a === 'string') return { Condition: cond(a) };
      if (k === 'Fn::GetAtt') {
        if (typeof a === 'string') return { [k]: a.replace(/^[^.]+/, (id) => String(ref(id))) };
        if (Array.isArray(a)) return { [k]: [ref(a[0]), ...a.slice(1).map(walk)] };
      }
      if (k === 'Fn::Sub') {
        if (typeof a === 'string') return { [k]: sub(a) };
        if (Array.isArray(a) && typeof a[0] === 'string') return { [k]: [sub(a[0]), ...a.slice(1).map(walk)] };
      }
      if (k === 'Fn::If' && Array.isArray(a)) return { [k]: [cond(a[0]), ...a.slice(1).map(walk)] };
      if (k === 'Fn::FindInMap' && Array.isArray(a)) {
        return {
          [k]: [typeof a[0] === 'string' && mappings.has(a[0]) ? a[0] + suffix : walk(a[0]), ...a.slice(1).map(walk)],
        };
      }
    }
    const out: Obj = {};
    for (const key of keys) out[key] = walk(v[key]);
    return out;
  };
  const rename = (section: Obj, names: (key: string) => string, entry: (value: unknown) => unknown = walk): Obj =>
    Object.fromEntries(Object.entries(section).map(([k, value]) => [names(k), entry(value)]));
  return {
    Parameters: rename(unit.Parameters, (k) => k + suffix),
    Conditions: rename(unit.Conditions, (k) => k + suffix),
    Mappings: rename(unit.Mappings, (k) => k + suffix),
    Resources: rename(
      unit.Resources,
      (k) => k + suffix,
      (r) => {
        const resource = walk(r) as Obj;
        if (typeof resource.Condition === 'string') resource.Condition = cond(resource.Condition);
        if (typeof resource.DependsOn === 'string') resource.DependsOn = ref(resource.DependsOn);
        if (Array.isArray(resource.DependsOn)) resource.DependsOn = resource.DependsOn.map(ref);
        return resource;
      },
    ),
  };
}

/** Templates (as objects) of about `perTemplate` resources each, `total` resources in all. */
export function synthesize(units: readonly Unit[], total: number, perTemplate = total): Obj[] {
  const templates: Obj[] = [];
  let current: Unit | undefined;
  let count = 0;
  let inTemplate = 0;
  let next = 0;
  const flush = (): void => {
    if (!current) return;
    // parameters without defaults would have to be given on the command line: give them one
    for (const p of Object.values(current.Parameters))
      if (isObj(p) && p.Default === undefined) p.Default = p.Type === 'Number' ? '1' : 'x';
    templates.push({
      AWSTemplateFormatVersion: '2010-09-09',
      Description: `synthetic: ${inTemplate} corpus resources`,
      ...current,
    });
    current = undefined;
    inTemplate = 0;
  };
  while (count < total) {
    const unit = renamed(units[next % units.length], `S${next}`);
    next += 1;
    let ids = Object.keys(unit.Resources);
    // the last unit is cut to land on the total exactly; a reference into the cut part stays unresolved, as in real drafts
    if (count + ids.length > total) ids = ids.slice(0, total - count);
    current ??= { Parameters: {}, Conditions: {}, Mappings: {}, Resources: {} };
    Object.assign(current.Parameters, unit.Parameters);
    Object.assign(current.Conditions, unit.Conditions);
    Object.assign(current.Mappings, unit.Mappings);
    for (const id of ids) current.Resources[id] = unit.Resources[id];
    count += ids.length;
    inTemplate += ids.length;
    if (inTemplate >= perTemplate) flush();
  }
  flush();
  return templates;
}

/**
 * What a synthetic input is made of: resources of the corpus copied whole, 500 to a template (CloudFormation's limit
 * per stack), or small services with many findings ({@link findingTemplates}), 100 to a template.
 */
export type Made = 'corpus' | 'findings';

function templatesOf(units: readonly Unit[], total: number, made: Made): Obj[] {
  return made === 'corpus' ? synthesize(units, total, 500) : findingTemplates(total, 100);
}

/** Writes a folder of templates of `total` resources in all; returns the folder. */
export function writeTemplates(
  dir: string,
  units: readonly Unit[],
  total: number,
  format: 'json' | 'yaml',
  made: Made = 'corpus',
): string {
  const out = path.join(dir, `templates-${made}-${total}-${format}`);
  mkdirSync(out, { recursive: true });
  templatesOf(units, total, made).forEach((template, i) => {
    const text =
      format === 'json'
        ? JSON.stringify(template, null, 1)
        : YAML.stringify(template, { aliasDuplicateObjects: false });
    writeFileSync(path.join(out, `template-${String(i).padStart(4, '0')}.${format}`), text);
  });
  return out;
}

/**
 * Writes a cloud assembly of `total` resources, each resource with its construct path, as `cdk synth` writes them;
 * returns the cdk.out directory.
 */
export function writeAssembly(dir: string, units: readonly Unit[], total: number, made: Made = 'corpus'): string {
  const out = path.join(dir, `cdk.out-${made}-${total}`);
  mkdirSync(out, { recursive: true });
  const artifacts: Obj = {};
  templatesOf(units, total, made).forEach((template, i) => {
    const stack = `Stack${i}`;
    const metadata: Obj = {};
    for (const [id, resource] of Object.entries(template.Resources as Obj)) {
      const constructPath = `${stack}/${id}/Resource`;
      (resource as Obj).Metadata = {
        ...((resource as Obj).Metadata as Obj | undefined),
        'aws:cdk:path': constructPath,
      };
      metadata[`/${constructPath}`] = [{ type: 'aws:cdk:logicalId', data: id }];
    }
    writeFileSync(path.join(out, `${stack}.template.json`), JSON.stringify(template, null, 1));
    artifacts[stack] = {
      type: 'aws:cloudformation:stack',
      environment: `aws://${String(100000000000 + (i % 3)).padStart(12, '0')}/eu-west-1`,
      properties: { templateFile: `${stack}.template.json` },
      metadata,
      displayName: stack,
    };
  });
  writeFileSync(path.join(out, 'manifest.json'), JSON.stringify({ version: '48.0.0', artifacts }, null, 1));
  return out;
}

/**
 * The resources of one small service, as drafts often leave them: functions without tracing or alarms, a state
 * machine without logs, a database without its monitoring, a stage without access logs, next to resources that
 * pass (roles, queues with a dead-letter queue, topics). About 1.5 findings a resource; one function in four
 * suppresses its tracing finding with a reason, so that reports have suppressed findings to list too.
 */
function service(n: number): Obj {
  const id = (name: string): string => `${name}${n}`;
  const role = { 'Fn::GetAtt': [id('Role'), 'Arn'] };
  return {
    [id('Role')]: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        },
        ManagedPolicyArns: ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
      },
    },
    [id('Handler')]: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Runtime: 'python3.12',
        Handler: 'app.handler',
        Role: role,
        Code: { ZipFile: `def handler(event, context):\n    return ${n}\n` },
        Environment: { Variables: { QUEUE_URL: { Ref: id('Queue') }, TABLE: `orders-${n}` } },
      },
      ...(n % 4 === 0
        ? { Metadata: { opslint: { suppress: [{ id: 'lambda-tracing', reason: 'Traced by the caller.' }] } } }
        : {}),
    },
    [id('DeadLetters')]: { Type: 'AWS::SQS::Queue', Properties: { MessageRetentionPeriod: 1209600 } },
    [id('Queue')]: {
      Type: 'AWS::SQS::Queue',
      Properties: {
        VisibilityTimeout: 60,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [id('DeadLetters'), 'Arn'] }, maxReceiveCount: 5 },
      },
    },
    [id('Uploads')]: { Type: 'AWS::S3::Bucket', Properties: { VersioningConfiguration: { Status: 'Enabled' } } },
    [id('Events')]: { Type: 'AWS::SNS::Topic', Properties: { DisplayName: `events ${n}` } },
    [id('Logs')]: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: `/app/service-${n}` } },
    [id('Workflow')]: {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
        RoleArn: role,
        DefinitionString: {
          'Fn::Sub': `{"StartAt":"Run","States":{"Run":{"Type":"Task","Resource":"\${${id('Handler')}.Arn}","End":true}}}`,
        },
      },
    },
    [id('Errors')]: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id('DeadLetters'), 'QueueName'] } }],
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      },
    },
    [id('Worker')]: {
      Type: 'AWS::EC2::Instance',
      Properties: { ImageId: 'ami-0abcdef1234567890', InstanceType: 't3.micro' },
    },
    [id('Database')]: {
      Type: 'AWS::RDS::DBInstance',
      Properties: { Engine: 'postgres', DBInstanceClass: 'db.t3.micro', AllocatedStorage: '20' },
    },
    [id('Stage')]: {
      Type: 'AWS::ApiGateway::Stage',
      Properties: { RestApiId: `api${n}`, StageName: 'prod', DeploymentId: `deployment${n}` },
    },
    [id('Subscription')]: {
      Type: 'AWS::SNS::Subscription',
      Properties: {
        TopicArn: { Ref: id('Events') },
        Protocol: 'sqs',
        Endpoint: { 'Fn::GetAtt': [id('Queue'), 'Arn'] },
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [id('DeadLetters'), 'Arn'] } },
      },
    },
  };
}

/** Templates (as objects) of `perTemplate` resources each, `total` in all, made of {@link service}s. */
export function findingTemplates(total: number, perTemplate: number): Obj[] {
  const templates: Obj[] = [];
  let n = 0;
  for (let made = 0; made < total; made += perTemplate) {
    const size = Math.min(perTemplate, total - made);
    const resources: Obj = {};
    let count = 0;
    while (count < size) {
      for (const [id, resource] of Object.entries(service(n++))) {
        if (count === size) break;
        resources[id] = resource;
        count++;
      }
    }
    templates.push({
      AWSTemplateFormatVersion: '2010-09-09',
      Description: `service ${templates.length}`,
      Resources: resources,
    });
  }
  return templates;
}
