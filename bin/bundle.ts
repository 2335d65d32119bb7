/**
 * The one file opslint runs from: scripts/build.js bundles this module and everything it loads into
 * dist/bin/bundle.js. Every entry of the package is a property here, evaluated when first read: the command
 * (`cli`, started by bin/launch.ts), a scan worker thread (`worker`), and the library entries (`index` for
 * `opslint`, `rule`, `testing`, `cdk`, `cdk-nag`), which dist/lib hands out (scripts/build.js writes those files).
 * A CDK app evaluates the CDK integration's modules, not the command's; and whichever entries a process loads,
 * what they share (the UNKNOWN value, the error classes, what the engine keeps about rules) is one object.
 */
const entries: Record<string, () => unknown> = {
  index: () => require('../lib/index'),
  rule: () => require('../lib/rule'),
  testing: () => require('../lib/testing'),
  cdk: () => require('../lib/cdk'),
  'cdk-nag': () => require('../lib/cdk/nag'),
  cli: () => require('./cli'),
  worker: () => require('../lib/parallel/worker'),
  // lib/compose.ts names its own file, this bundle, as the module a worker thread takes the built-in packs from
  BUILTIN_PACKS: () => (require('../lib/compose') as typeof import('../lib/compose')).BUILTIN_PACKS,
  // for bin/load.ts, which writes its code cache only after a scan, so that it holds the code that scans
  afterNextScan: () => (require('../lib/scan/report') as typeof import('../lib/scan/report')).afterNextScan,
};

for (const [name, load] of Object.entries(entries))
  Object.defineProperty(exports, name, { enumerable: true, get: load });
