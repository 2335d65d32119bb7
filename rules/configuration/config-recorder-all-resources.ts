import { defineRule, isTrue, judge, isPlainObject, type Resolved } from '../../lib/rule';

const GROUP = 'Properties.RecordingGroup';

export default defineRule({
  id: 'config-recorder-all-resources',
  title: 'AWS Config recorders record every supported resource type, including types added later',
  bestPractice: 'OPS05-BP03',
  resourceTypes: ['AWS::Config::ConfigurationRecorder'],
  severity: 'warning',
  options: {
    requireGlobalResourceTypes: false,
  },
  optionsSchema: { requireGlobalResourceTypes: { type: 'boolean' } },
  optionDocs: {
    requireGlobalResourceTypes:
      'Also require RecordingGroup.IncludeGlobalResourceTypes: true (IAM users, groups, roles and policies). Off by default, because ' +
      'global types should be recorded in one region only; turn it on for the stack that sets up the recording region.',
  },
  messages: {
    selectedTypes:
      'Configuration recorder {{name}} records only the {{types}} it lists; set RecordingGroup.AllSupported to true (or use the EXCLUSION_BY_RESOURCE_TYPES strategy) so that every supported type, including new ones, is recorded.',
    noGlobalTypes:
      'Configuration recorder {{name}} does not record global IAM resource types; set RecordingGroup.IncludeGlobalResourceTypes to true in the region that records them.',
  },
  why:
    'A recorder that lists the resource types it records leaves everything else out of the configuration timeline: ' +
    'a type added to the workload later, or one nobody thought of, changes without a trace, and Config rules on it ' +
    'never evaluate. Recording all supported types (the default when RecordingGroup is left out, or AllSupported: ' +
    'true, or the ALL_SUPPORTED_RESOURCE_TYPES strategy) picks up new types automatically. Excluding a few noisy or ' +
    'costly types with the EXCLUSION_BY_RESOURCE_TYPES strategy is a deliberate choice and is accepted. Global IAM types ' +
    'should be recorded in exactly one region, so they are required only when the requireGlobalResourceTypes option is on.',
  fix: {
    cloudformation:
      'ConfigRecorder:\n  Type: AWS::Config::ConfigurationRecorder\n  Properties:\n    RoleARN: !GetAtt ConfigRole.Arn\n' +
      '    RecordingGroup:\n      AllSupported: true\n      IncludeGlobalResourceTypes: true   # in the one region that records IAM\n' +
      '# or, to leave a few types out:\n#    RecordingGroup:\n#      AllSupported: false\n' +
      '#      RecordingStrategy: { UseOnly: EXCLUSION_BY_RESOURCE_TYPES }\n#      ExclusionByResourceTypes: { ResourceTypes: [AWS::Config::ResourceCompliance] }',
    cdk:
      'new config.CfnConfigurationRecorder(this, "Recorder", {\n  roleArn: configRole.roleArn,\n' +
      '  recordingGroup: { allSupported: true, includeGlobalResourceTypes: true },\n});',
  },
  check(resource, ctx) {
    const group = ctx.get(GROUP);
    // a recording group chosen by a condition: each branch is judged, and a failing branch is reported
    const groups = group.known ? [group.value] : (group.alternatives ?? []);
    for (const g of groups) {
      const problem = problemOf(g, ctx.options.requireGlobalResourceTypes, (v) => ctx.resolve(v));
      if (!problem) continue;
      const { messageId, path, count } = problem;
      ctx.report({
        messageId,
        path,
        data: { name: resource.logicalId, types: count === 1 ? '1 resource type' : `${count ?? 0} resource types` },
      });
      return;
    }
  },
});

interface Problem {
  readonly messageId: 'selectedTypes' | 'noGlobalTypes';
  readonly path: string;
  readonly count?: number;
}

/** What is wrong with one possible RecordingGroup, if anything (nothing when it cannot be known). */
function problemOf(group: unknown, requireGlobal: boolean, resolve: (v: unknown) => Resolved): Problem | undefined {
  const noGlobal = (path: string): Problem | undefined =>
    requireGlobal ? { messageId: 'noGlobalTypes', path } : undefined;
  // no recording group: every supported regional type is recorded, global IAM types are not
  if (group === undefined) return noGlobal(GROUP);
  if (!isPlainObject(group)) return undefined;
  const allSupported = judge(resolve(group.AllSupported), isTrue).verdict;
  const strategy = resolve(group.RecordingStrategy);
  if (!strategy.known) return undefined;
  const useOnlyR = isPlainObject(strategy.value)
    ? resolve(strategy.value.UseOnly)
    : { known: true as const, value: undefined };
  if (!useOnlyR.known) return undefined;
  const useOnly = useOnlyR.value;
  if (allSupported === undefined && useOnly === undefined) return undefined;

  if (allSupported === true || useOnly === 'ALL_SUPPORTED_RESOURCE_TYPES') {
    return judge(resolve(group.IncludeGlobalResourceTypes), isTrue).verdict === false
      ? noGlobal(`${GROUP}.IncludeGlobalResourceTypes`)
      : undefined;
  }
  // excluding a few types on purpose is accepted
  if (useOnly === 'EXCLUSION_BY_RESOURCE_TYPES') return undefined;
  // AllSupported is false (or absent): the recorder records the types it lists
  const types = resolve(group.ResourceTypes);
  if (!types.known) return undefined;
  const count = Array.isArray(types.value) ? types.value.length : 0;
  if (count === 0 && useOnly !== 'INCLUSION_BY_RESOURCE_TYPES') return undefined;
  return { messageId: 'selectedTypes', path: `${GROUP}.AllSupported`, count };
}
