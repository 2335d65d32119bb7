/**
 * `opslint new-pack <name>`: a folder with a working rule pack — one rule in TypeScript, one in YAML, their
 * fixtures and tests — that passes `npm test` once opslint is installed into it.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { BUILTIN_PACKS } from '../compose';
import { UsageError } from '../errors';
import { BUILT_IN_ID } from '../packs/load';
import { packageVersion } from '../version';

/** `@acme/opslint-pack-tags` → `acme-tags`: the pack's namespace, from its package name. */
export function packIdFor(name: string): string {
  const [scope, base] = name.startsWith('@') ? name.slice(1).split('/') : [undefined, name];
  const stripped = base.replace(/^opslint-pack-?|-?opslint-pack$|^opslint-/g, '');
  return (
    [scope, stripped]
      .filter(Boolean)
      .join('-')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'pack'
  );
}

export function newPack(name: string, cwd: string): { dir: string; id: string; files: string[] } {
  if (!/^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/.test(name)) {
    throw new UsageError(
      `"${name}" is not a valid npm package name (lowercase letters, digits, -, ., _; optionally @scope/)`,
    );
  }
  const id = packIdFor(name);
  // such a pack would not load
  if (BUILTIN_PACKS.some((p) => p.id === id)) throw new UsageError(`"${name}": ${BUILT_IN_ID(id)}`);
  const dir = path.resolve(cwd, name.replace(/^@[^/]+\//, ''));
  if (existsSync(dir) && readdirSync(dir).length > 0)
    throw new UsageError(`${path.relative(cwd, dir) || dir} already exists and is not empty`);
  const files = templates(name, id);
  writeFiles(dir, files);
  return { dir, id, files: Object.keys(files) };
}

/** Writes files (paths relative to `dir`), making their folders. */
export function writeFiles(dir: string, files: Readonly<Record<string, string>>): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
}

function templates(name: string, id: string): Record<string, string> {
  const version = packageVersion();
  return {
    'package.json': `${JSON.stringify(
      {
        name,
        version: '0.1.0',
        description: `opslint rules of ${id}`,
        main: 'dist/index.js',
        types: 'dist/index.d.ts',
        files: ['dist', 'rules.yaml'],
        // prepack, not prepare: `npm install` must not compile before opslint, a peer dependency, is installed
        scripts: { build: 'tsc -p tsconfig.json', prepack: 'npm run build', test: 'jest' },
        peerDependencies: { opslint: `>=${version}` },
        devDependencies: { '@types/jest': '^30.0.0', jest: '^30.5.2', 'ts-jest': '^29.4.15', typescript: '~5.9.3' },
      },
      null,
      2,
    )}\n`,
    'tsconfig.json': `${JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          module: 'commonjs',
          moduleResolution: 'node10',
          strict: true,
          declaration: true,
          esModuleInterop: true,
          skipLibCheck: true,
          outDir: 'dist',
          rootDir: 'src',
        },
        include: ['src'],
      },
      null,
      2,
    )}\n`,
    'jest.config.js': `/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  transform: { '^.+\\\\.ts$': ['ts-jest', { tsconfig: { module: 'commonjs', esModuleInterop: true, isolatedModules: true } }] },
};
`,
    '.gitignore': 'node_modules/\ndist/\n*.tgz\n',
    'src/index.ts': `/** The ${id} pack: rules in TypeScript (src/rules) and in YAML (rules.yaml). */
import * as path from 'node:path';
import { definePack, loadYamlPack } from 'opslint/rule';
import ownerTag from './rules/owner-tag';

export const pack = definePack({
  id: '${id}',
  title: '${id} standards',
  rules: [ownerTag, ...loadYamlPack(path.join(__dirname, '..', 'rules.yaml')).rules],
});

export default pack;
`,
    'src/rules/owner-tag.ts': `import { defineRule } from 'opslint/rule';

/** A rule in TypeScript: called once for each resource of \`resourceTypes\`; reports a message id and a path. */
export default defineRule({
  id: '${id}/owner-tag',
  title: 'Functions and queues carry an Owner tag',
  bestPractice: 'OPS02-BP01',
  resourceTypes: ['AWS::Lambda::Function', 'AWS::SQS::Queue'],
  severity: 'error',
  options: { tagKey: 'Owner' },
  optionsSchema: { tagKey: { type: 'string' } },
  optionDocs: { tagKey: 'The tag key that names the owning team.' },
  messages: { missing: '{{name}} has no {{tagKey}} tag; say which team owns it.' },
  why: 'An owner tag tells the on-call engineer which team to call when the resource misbehaves.',
  fix: { cloudformation: 'Tags:\\n  - { Key: Owner, Value: my-team }', cdk: "Tags.of(this).add('Owner', 'my-team');" },
  check(resource, ctx) {
    const tags = ctx.get('Properties.Tags');
    // a value nobody can know before deployment gives no finding
    if (!tags.known) return;
    const list = Array.isArray(tags.value) ? tags.value : [];
    const has = list.some((tag: { Key?: unknown }) => tag && tag.Key === ctx.options.tagKey);
    if (!has) ctx.report({ messageId: 'missing', path: 'Properties.Tags', data: { name: resource.logicalId, tagKey: ctx.options.tagKey } });
  },
});
`,
    'rules.yaml': `# Rules without code: a resource type, a property path and a condition (see opslint's docs/writing-a-pack.md).
pack: ${id}
rules:
  - id: ${id}/log-retention
    title: Log groups keep logs at least 30 days
    bestPractice: OPS04-BP02
    severity: warning
    resourceTypes: [AWS::Logs::LogGroup]
    path: Properties.RetentionInDays
    condition: { atLeast: 30 }
    message: 'Log group {{resource}} keeps logs {{value}} days; keep them at least 30.'
    messageWhenAbsent: 'Log group {{resource}} keeps logs forever: set RetentionInDays (at least 30).'
`,
    'fixtures/owner-tag/pass-tagged.yaml': `Resources:
  Orders:
    Type: AWS::SQS::Queue
    Properties:
      Tags:
        - { Key: Owner, Value: orders-team }
`,
    'fixtures/owner-tag/fail-untagged.yaml': `Resources:
  Orders:
    Type: AWS::SQS::Queue
    Properties:
      MessageRetentionPeriod: 1209600
`,
    'fixtures/owner-tag/expected.json': `${JSON.stringify({ 'fail-untagged.yaml': { errors: [{ messageId: 'missing', resource: 'Orders', path: 'Resources.Orders.Properties.Tags', line: 4 }] } }, null, 2)}\n`,
    'fixtures/log-retention/pass-30-days.yaml': `Resources:
  Logs:
    Type: AWS::Logs::LogGroup
    Properties:
      RetentionInDays: 30
`,
    'fixtures/log-retention/fail-7-days.yaml': `Resources:
  Logs:
    Type: AWS::Logs::LogGroup
    Properties:
      RetentionInDays: 7
`,
    'fixtures/log-retention/expected.json': `${JSON.stringify(
      {
        'fail-7-days.yaml': {
          errors: [
            {
              messageId: 'failed',
              message: 'Log group Logs keeps logs 7 days; keep them at least 30.',
              resource: 'Logs',
              line: 5,
            },
          ],
        },
      },
      null,
      2,
    )}\n`,
    'test/rules.test.ts': `/** Every rule of the pack against its fixtures: fixtures/<rule>/pass-*, fail-* and expected.json. */
import * as path from 'node:path';
import { testPackFixtures } from 'opslint/testing';
import { pack } from '../src';

// a rule without pass and fail fixtures, or a fail fixture without its findings in expected.json, fails
testPackFixtures(pack, path.join(__dirname, '..', 'fixtures'));
`,
    'README.md': `# ${name}

opslint rules of \`${id}\`: \`${id}/owner-tag\` (TypeScript, src/rules/owner-tag.ts) and \`${id}/log-retention\`
(YAML, rules.yaml). Each rule has pass and fail templates under fixtures/<rule>/, with the findings the fail
ones must give in expected.json.

\`\`\`sh
npm install --save-dev opslint   # opslint is a peer dependency; this installs the other dev dependencies too
npm test                         # the RuleTester over the fixtures
npx opslint new-rule queue-dlq   # another rule (--yaml: in rules.yaml), its fixtures and an expected.json to fill in
npm pack                         # a tarball to publish or install
\`\`\`

Use it: \`npm install --save-dev ${name}\`, then \`packs: ['${name}']\` in opslint.config.yaml, or in a CDK app
\`new OpsChecks({ rulePacks: [require('${name}').pack] })\`.
`,
  };
}
