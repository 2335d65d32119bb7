/**
 * Hostile cloud assemblies: `cdk.out` folders written to a temporary folder, with stacks whose templates are
 * theirs, missing, outside the folder (by `..`, by absolute path, through a symlink) or a symlink inside it;
 * nested assemblies in a subfolder, in `.`, in `..`, in a symlink to their own folder or out of it; nested
 * stacks whose asset is their own template or a child that names its parent again; metadata with
 * `aws:cdk:path`, logical ids and creation stacks of tens of kilobytes; artifact ids, stack names, display
 * names and environments made of hostile strings. Next to `cdk.out` is a folder with a template and an
 * assembly of its own that nothing may read.
 *
 * The property: scanning `cdk.out` (the public scanPaths) throws nothing and ends, every error and finding
 * names a file inside the temporary folder, nothing of the folder outside reaches the report, every
 * reporter's output is well-formed and inert, and a second scan gives the same output.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import type { Outcome } from './template';
import { checkedScan, fileNameOf, HOSTILE } from './hostile';

/** The logical id of the one resource outside the assembly: a report that names it read what it must not. */
const OUTSIDE_MARKER = 'OutsideSecretMarker';

type TemplateFile = 'own' | 'dotdot' | 'absolute' | 'symlink-out' | 'symlink-in' | 'missing' | 'manifest';
type DirectoryName = 'child' | '.' | '..' | 'symlink-self' | 'symlink-out' | 'dotdot-out';

interface StackSpec {
  readonly kind: 'stack';
  readonly id: string;
  readonly stackName: string;
  readonly displayName: string;
  readonly environment: string;
  readonly templateFile: TemplateFile;
  /** nested stack resources whose asset is the stack's own template */
  readonly selfNested: number;
  /** a nested stack whose template names its parent's template again */
  readonly childNested: boolean;
  /** a creation stack of this many characters of this unit, for the function's metadata */
  readonly creationStack: { readonly size: number; readonly unit: string } | null;
  readonly functionId: string;
  readonly metadataFile: 'none' | 'inside' | 'symlink-out';
}

interface NestedSpec {
  readonly kind: 'nested';
  readonly id: string;
  readonly displayName: string;
  readonly directoryName: DirectoryName;
  readonly child: AssemblySpec;
}

export interface AssemblySpec {
  readonly artifacts: readonly (StackSpec | NestedSpec)[];
}

export interface AssemblyCase {
  readonly spec: AssemblySpec;
  readonly origin: string;
}

export function assemblyCases(): fc.Arbitrary<AssemblyCase> {
  const hostile = fc.constantFrom(...HOSTILE);
  const name = fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom('App', 'Stage', 'Api', 'Db') },
    { weight: 1, arbitrary: hostile },
  );
  const stack: fc.Arbitrary<StackSpec> = fc.record({
    kind: fc.constant('stack' as const),
    id: name,
    stackName: name,
    displayName: fc.oneof(
      name,
      name.map((n) => `App/${n}`),
    ),
    environment: fc.oneof(
      fc.constant('aws://123456789012/us-east-1'),
      fc.constant('aws://unknown-account/unknown-region'),
      fc.tuple(hostile, hostile).map(([a, r]) => `aws://${a}/${r}`),
    ),
    templateFile: fc.constantFrom<TemplateFile>(
      'own',
      'own',
      'own',
      'dotdot',
      'absolute',
      'symlink-out',
      'symlink-in',
      'missing',
      'manifest',
    ),
    selfNested: fc.oneof(
      { weight: 4, arbitrary: fc.constant(0) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) },
    ),
    childNested: fc.boolean(),
    creationStack: fc.option(
      fc.record({
        size: fc.integer({ min: 10_000, max: 100_000 }),
        unit: fc.constantFrom('at x (/app/lib/stack.ts:1:1)\n', 'x', ...HOSTILE.filter((s) => s !== '')),
      }),
      { freq: 3 },
    ),
    functionId: name,
    metadataFile: fc.constantFrom('none', 'none', 'inside', 'symlink-out'),
  });
  const { assembly } = fc.letrec<{ assembly: AssemblySpec; artifact: StackSpec | NestedSpec }>((tie) => ({
    assembly: fc.record({ artifacts: fc.array(tie('artifact'), { maxLength: 3 }) }),
    artifact: fc.oneof(
      { depthSize: 'small', maxDepth: 3, withCrossShrink: true },
      stack,
      fc.record({
        kind: fc.constant('nested' as const),
        id: name,
        displayName: name,
        directoryName: fc.constantFrom<DirectoryName>(
          'child',
          'child',
          '.',
          '..',
          'symlink-self',
          'symlink-out',
          'dotdot-out',
        ),
        child: tie('assembly') as fc.Arbitrary<AssemblySpec>,
      }),
    ),
  }));
  return assembly.map((spec) => ({ spec, origin: describe(spec) }));
}

function describe(spec: AssemblySpec): string {
  return `{${spec.artifacts
    .map((a) =>
      a.kind === 'stack'
        ? `stack ${JSON.stringify(a.id)} template ${a.templateFile}${a.selfNested ? `, ${a.selfNested} nested stack(s) of itself` : ''}${a.childNested ? ', a child naming it' : ''}${a.creationStack ? `, ${a.creationStack.size} B creation stack` : ''}, metadata file ${a.metadataFile}`
        : `assembly ${JSON.stringify(a.id)} in ${a.directoryName} ${describe(a.child)}`,
    )
    .join('; ')}}`;
}

/** Writes `spec` as `root/cdk.out`, and the folder beside it that nothing may read. */
export function writeAssembly(root: string, spec: AssemblySpec): void {
  const outside = path.join(root, 'outside');
  mkdirSync(outside, { recursive: true });
  const secret = {
    Resources: {
      [OUTSIDE_MARKER]: {
        Type: 'AWS::Lambda::Function',
        Properties: { Runtime: 'nodejs20.x', Handler: 'index.handler', Code: { ZipFile: 'x' } },
      },
    },
  };
  writeFileSync(path.join(outside, 'secret.template.json'), JSON.stringify(secret));
  writeFileSync(
    path.join(outside, 'secret.metadata.json'),
    JSON.stringify({ [`/${OUTSIDE_MARKER}/Resource`]: [{ type: 'aws:cdk:logicalId', data: OUTSIDE_MARKER }] }),
  );
  writeFileSync(
    path.join(outside, 'manifest.json'),
    JSON.stringify({
      version: '36.0.0',
      artifacts: {
        [OUTSIDE_MARKER]: { type: 'aws:cloudformation:stack', properties: { templateFile: 'secret.template.json' } },
      },
    }),
  );
  writeNode(path.join(root, 'cdk.out'), spec, outside);
}

function writeNode(dir: string, spec: AssemblySpec, outside: string): void {
  mkdirSync(dir, { recursive: true });
  const artifacts: [string, unknown][] = [];
  spec.artifacts.forEach((a, i) => {
    const base = `${i}-${fileNameOf(a.id, 'x').slice(0, -2)}`;
    if (a.kind === 'nested') {
      const child = `assembly-${base}`;
      const directoryName = {
        child,
        '.': '.',
        '..': '..',
        'symlink-self': `${child}-self`,
        'symlink-out': `${child}-out`,
        'dotdot-out': path.relative(dir, outside),
      }[a.directoryName];
      if (a.directoryName === 'child') writeNode(path.join(dir, child), a.child, outside);
      if (a.directoryName === 'symlink-self') symlinkSync('.', path.join(dir, directoryName));
      if (a.directoryName === 'symlink-out') symlinkSync(outside, path.join(dir, directoryName));
      artifacts.push([a.id, { type: 'cdk:cloud-assembly', properties: { directoryName, displayName: a.displayName } }]);
      return;
    }
    const own = `${base}.template.json`;
    const child = `${base}.Child.nested.template.json`;
    const templateFile = {
      own,
      dotdot: path.relative(dir, path.join(outside, 'secret.template.json')),
      absolute: path.join(outside, 'secret.template.json'),
      'symlink-out': `${base}.out.template.json`,
      'symlink-in': `${base}.in.template.json`,
      missing: `${base}.missing.template.json`,
      manifest: 'manifest.json',
    }[a.templateFile];
    const nestedStack = (asset: string, logicalId: string): unknown => ({
      Type: 'AWS::CloudFormation::Stack',
      Properties: { TemplateURL: 'https://example.com/t.json' },
      Metadata: {
        'aws:asset:path': asset,
        'aws:cdk:path': `${a.displayName}/${logicalId}.NestedStack/${logicalId}.NestedStackResource`,
      },
    });
    const resources: [string, unknown][] = [
      [
        a.functionId,
        {
          Type: 'AWS::Lambda::Function',
          Properties: {
            FunctionName: a.stackName,
            Runtime: 'nodejs20.x',
            Handler: 'index.handler',
            Code: { ZipFile: 'x' },
          },
          Metadata: { 'aws:cdk:path': `${a.displayName}/${a.functionId}/Resource` },
        },
      ],
    ];
    for (let n = 0; n < a.selfNested; n++) resources.push([`Self${n}`, nestedStack(own, `Self${n}`)]);
    if (a.childNested) {
      resources.push(['Child', nestedStack(child, 'Child')]);
      writeFileSync(
        path.join(dir, child),
        JSON.stringify({ Resources: { Parent: nestedStack(own, 'Parent'), Again: nestedStack(child, 'Again') } }),
      );
    }
    writeFileSync(path.join(dir, own), JSON.stringify({ Resources: ownRecord(resources) }));
    if (a.templateFile === 'symlink-out')
      symlinkSync(path.join(outside, 'secret.template.json'), path.join(dir, templateFile));
    if (a.templateFile === 'symlink-in') symlinkSync(own, path.join(dir, templateFile));
    const entries: unknown[] = [{ type: 'aws:cdk:logicalId', data: a.functionId }];
    if (a.creationStack)
      entries.push({
        type: 'aws:cdk:creationStack',
        data: [
          a.creationStack.unit.repeat(Math.ceil(a.creationStack.size / Math.max(1, a.creationStack.unit.length))),
          'new Function (/app/lib/stack.ts:3:5)',
        ],
      });
    const metadata = ownRecord([[`/${a.displayName}/${a.functionId}/Resource`, entries]]);
    let additionalMetadataFile: string | undefined;
    if (a.metadataFile === 'inside') {
      additionalMetadataFile = `${base}.metadata.json`;
      writeFileSync(path.join(dir, additionalMetadataFile), JSON.stringify(metadata));
    } else if (a.metadataFile === 'symlink-out') {
      additionalMetadataFile = `${base}.out.metadata.json`;
      symlinkSync(path.join(outside, 'secret.metadata.json'), path.join(dir, additionalMetadataFile));
    }
    artifacts.push([
      a.id,
      {
        type: 'aws:cloudformation:stack',
        environment: a.environment,
        displayName: a.displayName,
        properties: { templateFile, stackName: a.stackName },
        metadata,
        ...(additionalMetadataFile ? { additionalMetadataFile } : {}),
      },
    ]);
  });
  writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify({ version: '36.0.0', artifacts: ownRecord(artifacts) }),
  );
}

/** A record with own properties of any name (`__proto__` too); a later duplicate id wins, as in JSON. */
function ownRecord(entries: readonly [string, unknown][]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries)
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

/** The property for one assembly (see the top of this file). */
export function assemblyHolds(c: AssemblyCase, index = 0): Outcome {
  const root = mkdtempSync(path.join(tmpdir(), 'opslint-fuzz-assembly-'));
  try {
    writeAssembly(root, c.spec);
    const first = checkedScan(root, ['cdk.out'], {}, index);
    if (first.output.includes(OUTSIDE_MARKER))
      throw new Error('the report shows a template or metadata from outside the assembly');
    const second = checkedScan(root, ['cdk.out'], {}, 1);
    if (first.output !== second.output) throw new Error('a second scan gave a different output');
    return { output: first.output, inputError: first.report.errors.length > 0, findings: first.report.findings.length };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
