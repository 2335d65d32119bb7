/**
 * The opslint demo CDK app (run by the repository's cdk.json): the orders service in two Stages, Dev and
 * Prod, each in its own account. opslint checks it during synthesis:
 *
 *   npx cdk synth                     # the first draft: synthesis fails with OPS findings
 *   npx cdk synth -c compliant=true   # the variant that follows the practices: synthesis passes
 *
 * The compliant variant also names the team that owns each Stage (an Owner tag on its stacks) and turns
 * termination protection on for the production stack.
 */
import { App, Stage, Tags, Validations, type StageProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { OpsChecks } from '../../lib/cdk';
import { OrdersStack } from './orders-stack';

class OrdersStage extends Stage {
  constructor(scope: Construct, id: string, props: StageProps & { compliant: boolean; production: boolean }) {
    super(scope, id, props);
    new OrdersStack(this, 'Orders', {
      compliant: props.compliant,
      terminationProtection: props.compliant && props.production,
    });
    if (props.compliant) Tags.of(this).add('Owner', 'team-orders');
  }
}

const app = new App();
const compliant = String(app.node.tryGetContext('compliant')) === 'true';

new OrdersStage(app, 'Dev', { env: { account: '111111111111', region: 'eu-west-1' }, compliant, production: false });
new OrdersStage(app, 'Prod', { env: { account: '222222222222', region: 'eu-west-1' }, compliant, production: true });

// The one line that adds opslint to `cdk synth`.
Validations.of(app).addPlugins(new OpsChecks());

app.synth();
