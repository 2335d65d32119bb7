import {
  defineRule,
  type Resource,
  type Template,
  type JsonPath,
  arnText,
  isSet,
  referredUnder,
  samEvents,
} from '../../lib/rule';

type Stream = 'Kinesis' | 'DynamoDB';

/** Resource types whose ARN (or stream ARN) an event source mapping reads as a stream. */
const STREAM_TYPES: Readonly<Record<string, Stream>> = {
  'AWS::Kinesis::Stream': 'Kinesis',
  'AWS::Kinesis::StreamConsumer': 'Kinesis',
  'AWS::DynamoDB::Table': 'DynamoDB',
  'AWS::DynamoDB::GlobalTable': 'DynamoDB',
};

export default defineRule({
  id: 'event-source-failure-destination',
  title:
    'Lambda stream event sources send records that keep failing to an on-failure destination after bounded retries',
  bestPractice: 'OPS10-BP01',
  resourceTypes: ['AWS::Lambda::EventSourceMapping', 'AWS::Serverless::Function'],
  severity: 'warning',
  options: {
    requireBoundedRetries: true,
  },
  optionsSchema: { requireBoundedRetries: { type: 'boolean' } },
  optionDocs: {
    requireBoundedRetries:
      'Also report stream sources whose retries are unbounded (MaximumRetryAttempts and MaximumRecordAgeInSeconds both unset or -1). Default: true.',
  },
  messages: {
    noDestination:
      '{{what}} reads {{stream}} stream records but has no on-failure destination; a batch that fails its retries is skipped and its records are lost. Set {{property}} to an SQS queue, SNS topic or S3 bucket.',
    noDestinationUnbounded:
      '{{what}} retries a failing {{stream}} batch without limit and has no on-failure destination, so one bad record holds up its shard until it expires from the stream and then nothing records what was lost. Set MaximumRetryAttempts (with BisectBatchOnFunctionError) and {{property}}.',
    unboundedRetries:
      '{{what}} retries a failing {{stream}} batch without limit (MaximumRetryAttempts and MaximumRecordAgeInSeconds are unset or -1), so one bad record holds up its shard until it expires from the stream. Set MaximumRetryAttempts (and BisectBatchOnFunctionError) or MaximumRecordAgeInSeconds.',
  },
  why:
    'Lambda reads a Kinesis or DynamoDB stream shard in order and retries a failing batch before moving on. By default ' +
    'it retries until the records expire from the stream (MaximumRetryAttempts and MaximumRecordAgeInSeconds default ' +
    "to -1, unlimited), so one record that cannot be processed stops its shard for up to the stream's retention period " +
    'while the iterator age grows. Once retries are bounded, the batch is skipped when they run out; without an ' +
    'on-failure destination nothing records which records were skipped. Bounded retries with bisection and an on-failure ' +
    'destination keep the shard moving and keep a pointer to every record that was given up on.',
  fix: {
    cloudformation:
      'OrdersStreamMapping:\n  Type: AWS::Lambda::EventSourceMapping\n  Properties:\n    EventSourceArn: !GetAtt OrdersStream.Arn\n' +
      '    FunctionName: !Ref OrdersFunction\n    StartingPosition: LATEST\n    MaximumRetryAttempts: 5\n    BisectBatchOnFunctionError: true\n' +
      '    DestinationConfig:\n      OnFailure:\n        Destination: !GetAtt OrdersStreamFailures.Arn\n' +
      '# SAM: the same MaximumRetryAttempts, BisectBatchOnFunctionError and DestinationConfig on the Kinesis or DynamoDB event',
    cdk:
      'import { KinesisEventSource, SqsDlq } from "aws-cdk-lib/aws-lambda-event-sources";\n\n' +
      'fn.addEventSource(new KinesisEventSource(stream, {\n  startingPosition: lambda.StartingPosition.LATEST,\n' +
      '  retryAttempts: 5,\n  bisectBatchOnError: true,\n  onFailure: new SqsDlq(failures),\n}));\n' +
      '// DynamoEventSource takes the same options',
  },
  roles: {
    machinery: { check: true, why: 'a function that reads a stream is checked whatever else calls it.' },
  },
  check(resource, ctx) {
    const template = ctx.template;
    const targets: { base: JsonPath; stream: Stream; what: string; sam: boolean }[] = [];
    if (resource.type === 'AWS::Lambda::EventSourceMapping') {
      const stream = streamOf(resource, ['Properties', 'EventSourceArn'], template);
      if (stream)
        targets.push({ base: ['Properties'], stream, what: `Event source mapping ${resource.logicalId}`, sam: false });
    } else {
      for (const event of samEvents(resource, template)) {
        if (event.type !== 'Kinesis' && event.type !== 'DynamoDB') continue;
        targets.push({
          base: event.path,
          stream: event.type,
          what: `Function ${resource.logicalId} (${event.type} event ${event.name})`,
          sam: true,
        });
      }
    }
    // no stream read here (a queue's mapping, a SAM function without a stream event): no failed batch to keep
    if (targets.length === 0) return ctx.notApplicable();

    for (const { base, stream, what, sam } of targets) {
      const destinationPath = [...base, 'DestinationConfig', 'OnFailure', 'Destination'];
      const property = sam
        ? 'DestinationConfig.OnFailure.Destination on the event'
        : 'DestinationConfig.OnFailure.Destination';
      const destination = ctx.satisfies(destinationPath, isSet);
      let unbounded = false;
      if (ctx.options.requireBoundedRetries !== false) {
        const retries = ctx.satisfies([...base, 'MaximumRetryAttempts'], (v) => isNumber(v) && Number(v) >= 0);
        const age = ctx.satisfies([...base, 'MaximumRecordAgeInSeconds'], (v) => isNumber(v) && Number(v) > 0);
        unbounded = retries === false && age === false;
      }
      if (destination === false && unbounded) {
        ctx.report({ messageId: 'noDestinationUnbounded', path: destinationPath, data: { what, stream, property } });
      } else if (destination === false) {
        ctx.report({ messageId: 'noDestination', path: destinationPath, data: { what, stream, property } });
      } else if (unbounded) {
        ctx.report({ messageId: 'unboundedRetries', path: [...base, 'MaximumRetryAttempts'], data: { what, stream } });
      }
    }
  },
});

function isNumber(v: unknown): boolean {
  return (typeof v === 'number' || (typeof v === 'string' && v.trim() !== '')) && Number.isFinite(Number(v));
}

/** Kinesis or DynamoDB when the source ARN is (or refers to) one of their streams; undefined otherwise or when unknown. */
/** A DynamoDB stream ARN on one line: what `/:dynamodb:.*\/stream\//` finds, without reading the line again from every `:dynamodb:`. */
function isDynamoDbStreamArn(line: string): boolean {
  const at = line.indexOf(':dynamodb:');
  return at >= 0 && line.includes('/stream/', at + ':dynamodb:'.length);
}

function streamOf(resource: Resource, path: JsonPath, template: Template): Stream | undefined {
  const referred = referredUnder(template, resource, path, Object.keys(STREAM_TYPES));
  if (referred.length > 0) return STREAM_TYPES[referred[0].type];
  const text = arnText(template.resolver, resource.properties.EventSourceArn);
  if (text === undefined) return undefined;
  if (/:kinesis:/.test(text)) return 'Kinesis';
  if (text.split(/[\n\r\u2028\u2029]/).some(isDynamoDbStreamArn)) return 'DynamoDB';
  return undefined;
}
