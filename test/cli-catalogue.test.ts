/**
 * `opslint rules` and `opslint explain` (issue 19, items 10 and 15): they know the rules of the packs a scan would
 * load, under the same trust rules; `rules` shows pack, off-by-default and fixable columns; `explain` renders the
 * Markdown page for a terminal and suggests the nearest rule id for a typo.
 */
import { chmodSync } from 'node:fs';
import * as path from 'node:path';
import { createColors } from 'picocolors';
import { renderMarkdown } from '../lib/cli/markdown';
import { runCase } from '../lib/testing';
import { BUILTIN_PACKS } from '../rules';
import { fixtures } from '../scripts/docs';
import { runCli } from '../scripts/support/cli';
import { workspace } from './helpers/workspace';

const OPS_PACK = `module.exports = {
  id: 'acme-ops',
  off: ['acme-ops/bucket-owner'],
  docs: 'https://acme.example/opslint/{{name}}',
  rules: [
    {
      id: 'acme-ops/s3-versioning',
      title: 'Buckets keep earlier versions of their objects',
      bestPractice: 'OPS06-BP01',
      severity: 'warning',
      fixable: true,
      resourceTypes: ['AWS::S3::Bucket'],
      why: 'A bad deployment that overwrites objects can be undone only from **earlier versions**.',
      fix: { cloudformation: 'VersioningConfiguration: {Status: Enabled}', cdk: 'new s3.Bucket(this, "B", { versioned: true })' },
      messages: { off: 'Bucket {{name}} keeps no earlier versions.' },
      check() {},
    },
    {
      id: 'acme-ops/bucket-owner',
      title: 'Buckets name their owner',
      bestPractice: 'OPS02-BP01',
      severity: 'info',
      resourceTypes: ['AWS::S3::Bucket'],
      check() {},
    },
  ],
};
`;

/** A project whose configuration names the team pack. */
const project = (): string =>
  workspace({ 'packs/ops.js': OPS_PACK, 'opslint.config.yaml': 'packs: [./packs/ops.js]\n' }, 'opslint-catalogue-');

describe('opslint rules and opslint explain know the packs a scan loads', () => {
  it('from the configuration: rules lists them with their pack, whether off by default and fixable', async () => {
    const { code, stdout, stderr } = await runCli(['rules'], { cwd: project() });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^rule +severity +pack +default +fix +best practice$/m);
    expect(stdout).toMatch(
      /^acme-ops\/s3-versioning +warning +acme-ops +on +yes +OPS06-BP01 Plan for unsuccessful changes — Buckets keep earlier versions of their objects$/m,
    );
    expect(stdout).toMatch(/^acme-ops\/bucket-owner +info +acme-ops +off +OPS02-BP01 /m);
    expect(stdout).toMatch(/^resource-owner-tag +warning +ownership +off +OPS02-BP01 /m);
    const builtin = BUILTIN_PACKS.flatMap((p) => p.rules);
    expect(stdout).toContain(
      `\n${builtin.length + 2} rules in ${BUILTIN_PACKS.length + 1} packs: ${
        BUILTIN_PACKS.flatMap((p) => p.off ?? []).length + 1
      } off by default, ${builtin.filter((r) => r.fixable).length + 1} fixed by \`opslint fix\`\n`,
    );
  });

  it('rules: bold headings on a terminal, and not with --no-color', async () => {
    const plain = await runCli(['rules']);
    expect((await runCli(['rules'], { isTTY: true })).stdout).toContain('\u001b[1mrule\u001b[22m');
    expect((await runCli(['rules', '--no-color'], { isTTY: true })).stdout).toBe(plain.stdout);
    expect(plain.stdout).not.toContain('\u001b[');
  });

  it('rules --format json gives the same columns as data, with the pack docs link', async () => {
    const { stdout } = await runCli(['rules', '--format', 'json'], { cwd: project() });
    const rules = (JSON.parse(stdout) as { rules: Record<string, unknown>[] }).rules;
    expect(rules.find((r) => r.id === 'acme-ops/s3-versioning')).toMatchObject({
      pack: 'acme-ops',
      enabled: true,
      fixable: true,
      docs: 'https://acme.example/opslint/s3-versioning',
    });
    expect(rules.find((r) => r.id === 'acme-ops/bucket-owner')).toMatchObject({ enabled: false, fixable: false });
    expect(rules.find((r) => r.id === 'lambda-tracing')).toMatchObject({ pack: 'tracing', fixable: true });
  });

  it('explain shows a team rule from its metadata, rendered, or as Markdown', async () => {
    const cwd = project();
    const text = await runCli(['explain', 'acme-ops/s3-versioning'], { cwd });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^acme-ops\/s3-versioning\n\nBuckets keep earlier versions of their objects\.\n/);
    expect(text.stdout).toMatch(/^Pack +`acme-ops`$/m);
    expect(text.stdout).toMatch(/^Automatic fix +yes: `opslint fix` writes it/m);
    expect(text.stdout).toMatch(/^Documentation +https:\/\/acme\.example\/opslint\/s3-versioning$/m);
    // the page of a built-in rule, from the same metadata, but for the examples (they come from fixtures)
    expect(text.stdout).toMatch(
      /^Why\n\nA bad deployment that overwrites objects can be undone only from earlier versions\.$/m,
    );
    expect(text.stdout).toMatch(/^Which resources it checks$/m);
    expect(text.stdout).toContain('CDK\n\n    new s3.Bucket(this, "B", { versioned: true })\n');
    expect(text.stdout).toContain('  • `off`: Bucket {{name}} keeps no earlier versions.');
    expect(text.stdout).toContain("acknowledge({ id: 'opslint::acme-ops/s3-versioning'");
    expect(text.stdout).not.toContain('Examples');
    expect(text.stdout).not.toMatch(/\*\*|\|---|^#/m);
    const markdown = await runCli(['explain', 'acme-ops/s3-versioning', '--format', 'markdown'], { cwd });
    expect(markdown.stdout).toContain(
      '# acme-ops/s3-versioning\n\n**Buckets keep earlier versions of their objects.**',
    );
    expect(markdown.stdout).toContain('| Pack | `acme-ops` |');
  });

  it('explain leaves out the sections a team rule does not fill, and shows what a YAML rule checks', async () => {
    const cwd = workspace({
      'packs/ops.js': OPS_PACK,
      'rules.yaml':
        "pack: acme-yaml\nrules:\n  - id: acme-yaml/retention\n    title: Queues keep messages\n    bestPractice: OPS10-BP01\n    severity: warning\n    resourceTypes: [AWS::SQS::Queue]\n    path: Properties.MessageRetentionPeriod\n    condition: {atLeast: 345600}\n    message: '{{resource}} keeps messages {{value}} seconds.'\n    messageWhenAbsent: '{{resource}} keeps messages four days, the default.'\n",
    });
    const args = ['--load-pack', './packs/ops.js', '--load-pack', './rules.yaml', '--format', 'markdown'];
    const yamlRule = await runCli(['explain', 'acme-yaml/retention', ...args], { cwd });
    expect(yamlRule.code).toBe(0);
    expect(yamlRule.stdout).toContain(
      '| Path | `Properties.MessageRetentionPeriod` |\n| Condition | `atLeast: 345600` |\n',
    );
    const tsRule = await runCli(['explain', 'acme-ops/bucket-owner', ...args], { cwd });
    for (const page of [yamlRule.stdout, tsRule.stdout]) {
      expect(page).toContain('## Which resources it checks');
      expect(page).not.toMatch(/^## (Why|How to fix)$|^### (CloudFormation|CDK)$|^```\w*\n```$/m);
    }
    expect(tsRule.stdout).not.toContain('| Path |');
    // a fix with only one side shows that side
    const half = OPS_PACK.replace(', cdk: \'new s3.Bucket(this, "B", { versioned: true })\'', '');
    expect(half).not.toBe(OPS_PACK);
    const halfDir = workspace({ 'ops.js': half });
    const page = (
      await runCli(['explain', 'acme-ops/s3-versioning', '--load-pack', './ops.js', '--format', 'markdown'], {
        cwd: halfDir,
      })
    ).stdout;
    expect(page).toContain(
      '## How to fix\n\n### CloudFormation\n\n```yaml\nVersioningConfiguration: {Status: Enabled}\n```\n',
    );
    expect(page).not.toMatch(/^### CDK$/m);
  });

  it('from --load-pack and a configuration named with --config, as scan takes them', async () => {
    const cwd = workspace({ 'packs/ops.js': OPS_PACK, 'conf/team.yaml': 'packs: [../packs/ops.js]\n' });
    for (const args of [
      ['--load-pack', './packs/ops.js'],
      ['--config', 'conf/team.yaml'],
    ]) {
      expect((await runCli(['explain', 'acme-ops/bucket-owner', ...args], { cwd })).code).toBe(0);
      expect((await runCli(['rules', ...args], { cwd })).stdout).toMatch(/^acme-ops\/bucket-owner /m);
    }
    expect((await runCli(['explain', 'acme-ops/bucket-owner'], { cwd })).code).toBe(2);
  });

  it('not with --no-packs, --no-config, or from a configuration it does not trust, saying why', async () => {
    const cwd = project();
    const noPacks = await runCli(['explain', 'acme-ops/s3-versioning', '--no-packs'], { cwd });
    expect(noPacks.code).toBe(2);
    expect(noPacks.stderr).toContain('pack "./packs/ops.js" is not loaded: --no-packs runs no JavaScript');
    expect(noPacks.stderr).toContain('opslint: unknown rule "acme-ops/s3-versioning"');
    expect((await runCli(['rules', '--no-config'], { cwd })).stdout).not.toContain('acme-ops/');

    chmodSync(path.join(cwd, 'opslint.config.yaml'), 0o666);
    const untrusted = await runCli(['rules'], { cwd });
    expect(untrusted.stdout).not.toContain('acme-ops/');
    expect(untrusted.stderr).toMatch(/opslint\.config\.yaml.*can be written by everyone/);
    // named by the user, it is their choice
    const named = await runCli(['explain', 'acme-ops/s3-versioning', '--config', 'opslint.config.yaml'], { cwd });
    expect(named.code).toBe(0);
  });

  it('explain suggests the nearest rule id for a typo, a team rule too', async () => {
    const builtin = await runCli(['explain', 'lambda-tracin']);
    expect(builtin.code).toBe(2);
    expect(builtin.stderr).toBe(
      'opslint: unknown rule "lambda-tracin" (did you mean "lambda-tracing"?); `opslint rules` lists them\n',
    );
    const team = await runCli(['explain', 'acme-ops/s3-versoning'], { cwd: project() });
    expect(team.stderr).toContain('(did you mean "acme-ops/s3-versioning"?)');
  });
});

describe('opslint explain renders a rule page for the terminal', () => {
  it('without Markdown marks, tables aligned, and in colour on a terminal', async () => {
    const plain = await runCli(['explain', 'lambda-tracing']);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/^lambda-tracing\n\nLambda functions send traces to AWS X-Ray\.\n/);
    expect(plain.stdout).toMatch(/^Severity +warning$/m);
    expect(plain.stdout).toMatch(/^Automatic fix +yes: `opslint fix` writes it/m);
    expect(plain.stdout).toMatch(/^Why$/m);
    expect(plain.stdout).toContain('\n    Properties:\n      TracingConfig:\n        Mode: Active\n');
    expect(plain.stdout).not.toMatch(/\*\*|\|---|^#|^```/m);
    expect(plain.stdout).not.toContain('\u001b[');

    const colour = await runCli(['explain', 'lambda-tracing'], { isTTY: true });
    expect(colour.stdout).toContain('\u001b[1mWhy\u001b[22m');
    expect(colour.stdout).not.toMatch(/\*\*|\|---/);
    expect((await runCli(['explain', 'lambda-tracing', '--no-color'], { isTTY: true })).stdout).toBe(plain.stdout);
  });
});

describe('renderMarkdown', () => {
  const plain = createColors(false);

  it('aligns a table, drops its delimiter row and an empty header, and keeps escaped pipes', () => {
    const out = renderMarkdown('| | |\n|---|---|\n| Name | `a\\|b` |\n| Longer name | x |\n', plain);
    expect(out).toBe('Name         `a|b`\nLonger name  x\n');
    expect(renderMarkdown('| a | b |\n|:--|--:|\n| 1 | 2 |', plain)).toBe('a  b\n1  2\n');
  });

  it('renders headings, bold, links, lists and fenced code; nothing inside code spans or blocks is Markdown', () => {
    const out = renderMarkdown(
      '# Title\n\n**Bold** and [a link](https://x.example) and `**kept**`.\n\n- one\n  - two\n\n```yaml\n**not bold**\n```\n',
      plain,
    );
    expect(out).toBe(
      'Title\n\nBold and a link (https://x.example) and `**kept**`.\n\n  • one\n    • two\n\n    **not bold**\n',
    );
  });

  it('with colours: bold for bold and headings, cyan for code, and columns measured without the colour codes', () => {
    const c = createColors(true);
    expect(renderMarkdown('## Why **now**', c)).toBe(`${c.bold(`Why ${c.bold('now')}`)}\n`);
    expect(renderMarkdown('| `x` | 1 |\n| yy | 2 |', c)).toBe(`${c.cyan('x')}   1\nyy  2\n`);
  });
});

describe('fixable', () => {
  it('is declared by exactly the built-in rules whose failing fixtures give findings with a fix', () => {
    const wrong = BUILTIN_PACKS.flatMap((pack) =>
      pack.rules.filter((rule) => {
        const found = fixtures(rule, pack);
        const fixes = (found?.names ?? [])
          .filter((n) => n.startsWith('fail-'))
          .some((n) => {
            const entry = found!.expected[n] ?? {};
            return runCase(rule, {
              file: path.join(found!.dir, n),
              options: entry.options,
              parameters: entry.parameters,
              accountBaseline: entry.accountBaseline,
            }).some((f) => f.fix);
          });
        return fixes !== (rule.fixable === true);
      }),
    );
    expect(wrong.map((r) => r.id)).toEqual([]);
  });
});
