/** The demo app for `cdk synth` timings (bench/synth.ts): `-c checker=none|opslint|cdk-nag AwsSolutions|cdk-nag Serverless`. */
import { App } from 'aws-cdk-lib';
import { CHECKERS, demoApp, type Checker } from './synth';

const checker = String(new App().node.tryGetContext('checker') ?? 'none') as Checker;
if (!CHECKERS.includes(checker)) throw new Error(`unknown checker "${checker}"; one of ${CHECKERS.join(', ')}`);
demoApp(checker, process.env.CDK_OUTDIR ?? 'cdk.out').app.synth();
