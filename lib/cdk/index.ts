/**
 * `opslint/cdk`: run the OPS rules inside `cdk synth`. Loaded only by CDK apps (aws-cdk-lib is a peer
 * dependency); the CLI never imports it. The cdk-nag adapter is `opslint/cdk-nag`.
 */
export { OpsChecks } from './plugin';
export { OpsAspect, type OpsAspectProps } from './aspect';
export { acknowledgementId, PLUGIN_NAME, DEFAULT_MIN_REASON_LENGTH, type OpsCheckProps } from './common';
