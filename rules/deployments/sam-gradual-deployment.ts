import { defineRule, isFalse } from '../../lib/rule';
import {
  ENVIRONMENT_OPTION_DOCS,
  ENVIRONMENT_OPTIONS,
  ENVIRONMENT_OPTIONS_SCHEMA,
  inScope,
  knownValues,
  safeSomewhere,
} from '../recovery/environment';
import { allAtOnceReason, referencedConfig } from './codedeploy-config';

const PREFERENCE = 'Properties.DeploymentPreference';
/** SAM turns a predefined Type into `CodeDeployDefault.Lambda<Type>`; any other string is used as a configuration name. */
const ALL_AT_ONCE_TYPES = new Set(['AllAtOnce', 'CodeDeployDefault.LambdaAllAtOnce']);

export default defineRule({
  id: 'sam-gradual-deployment',
  title: 'SAM functions shift traffic to a new version gradually',
  bestPractice: 'OPS06-BP03',
  resourceTypes: ['AWS::Serverless::Function'],
  severity: 'warning',
  options: {
    aliasWithoutPreference: false as boolean,
    ...ENVIRONMENT_OPTIONS,
  },
  optionsSchema: { aliasWithoutPreference: { type: 'boolean' }, ...ENVIRONMENT_OPTIONS_SCHEMA },
  optionDocs: {
    aliasWithoutPreference:
      'Also report functions that publish an alias (AutoPublishAlias) without a DeploymentPreference, whose alias moves to each new version at once. ' +
      'Default false: such a function deploys no less safely than one without an alias (which is not reported), and aliases are often published for provisioned concurrency, SnapStart or durable functions.',
    ...ENVIRONMENT_OPTION_DOCS,
  },
  messages: {
    allAtOnce:
      'Function {{name}} deploys with DeploymentPreference Type {{type}}, which moves all traffic to a new version at once; use a canary or linear type such as Canary10Percent5Minutes or Linear10PercentEvery1Minute.',
    customAllAtOnce:
      'Function {{name}} deploys with deployment configuration {{config}}, which {{reason}}; make it shift traffic in smaller steps.',
    disabled:
      'Function {{name}} has its DeploymentPreference disabled, so alias {{alias}} moves to each new version at once; set Enabled to true (or remove it).',
    noPreference:
      'Function {{name}} publishes alias {{alias}} but has no DeploymentPreference, so the alias moves to each new version at once; add a DeploymentPreference with a canary or linear Type.',
  },
  why:
    'With AutoPublishAlias, SAM publishes a version on every change and points the alias at it. Without a gradual DeploymentPreference the alias ' +
    'moves in one step, so a faulty version takes all traffic at once. A canary or linear DeploymentPreference has CodeDeploy shift a small share of ' +
    'traffic first and, with Alarms and hooks, roll back before most requests reach the new code. DeploymentPreference set in Globals.Function counts. ' +
    'Functions without AutoPublishAlias are not checked: they have no version to shift traffic to.',
  fix: {
    cloudformation:
      'OrdersFunction:\n  Type: AWS::Serverless::Function\n  Properties:\n    AutoPublishAlias: live\n    DeploymentPreference:\n' +
      '      Type: Canary10Percent5Minutes   # or Linear10PercentEvery1Minute; also settable once in Globals.Function\n' +
      '      Alarms: [!Ref OrdersErrorsAlarm]',
    cdk:
      "const alias = new lambda.Alias(this, 'Live', { aliasName: 'live', version: fn.currentVersion });\n" +
      "new codedeploy.LambdaDeploymentGroup(this, 'Deploy', { alias, deploymentConfig: codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES });",
  },
  roles: {
    machinery: { check: false, why: 'gradual traffic shifting protects callers, and only CloudFormation calls it.' },
  },
  check(resource, ctx) {
    // without an alias there is no version to shift traffic to (and SAM rejects a DeploymentPreference)
    if (ctx.satisfies('Properties.AutoPublishAlias', (v) => v === undefined || v === '') !== false)
      return ctx.notApplicable();
    if (!inScope(ctx)) return ctx.notApplicable();
    const aliasValue = ctx.get('Properties.AutoPublishAlias');
    const alias = aliasValue.known && typeof aliasValue.value === 'string' ? aliasValue.value : '(AutoPublishAlias)';
    const name = resource.logicalId;

    const preference = ctx.get(PREFERENCE);
    if (preference.known && preference.value === undefined) {
      if (ctx.options.aliasWithoutPreference)
        ctx.report({ messageId: 'noPreference', path: 'Properties.AutoPublishAlias', data: { name, alias } });
      return;
    }
    if (safeSomewhere(ctx, `${PREFERENCE}.Enabled`, (v) => !isFalse(v)) === false) {
      ctx.report({ messageId: 'disabled', path: `${PREFERENCE}.Enabled`, data: { name, alias } });
      return;
    }
    const config = referencedConfig(ctx, ['Properties', 'DeploymentPreference', 'Type']);
    if (config) {
      const reason = allAtOnceReason(ctx.template, config);
      if (reason)
        ctx.report({
          messageId: 'customAllAtOnce',
          path: `${PREFERENCE}.Type`,
          data: { name, config: config.logicalId, reason },
        });
      return;
    }
    const type = `${PREFERENCE}.Type`;
    if (safeSomewhere(ctx, type, (v) => typeof v !== 'string' || !ALL_AT_ONCE_TYPES.has(v)) === false) {
      const written = knownValues(ctx, type).find((v) => typeof v === 'string' && ALL_AT_ONCE_TYPES.has(v));
      ctx.report({ messageId: 'allAtOnce', path: type, data: { name, type: String(written) } });
    }
  },
});
