/**
 * Synthetic inputs of any size, built from the real resources of the shared corpus: corpus templates are
 * copied whole (resources with their parameters, conditions and mappings) under renamed logical ids, so
 * that references stay valid, until the wanted number of resources is reached: a folder of 500-resource
 * templates (JSON or YAML), or a cloud assembly (cdk.out) of 500-resource stacks with CDK's construct-path
 * metadata.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as YAML from 'yaml';
import { InputError } from '../lib/template/errors';
import { Template } from '../lib/template/model';
import { parseDocument } from '../lib/template/parse';

type Obj = Record<string, unknown>;

/** The sections of one corpus template that are copied. */
interface Unit {
  readonly Parameters: Obj;
  readonly Conditions: Obj;
  readonly Mappings: Obj;
  readonly Resources: Obj;
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Corpus templates usable as building blocks: parsed cleanly, plain CloudFormation (no transform, whose
 * Globals or macros would not survive merging), resources given as a mapping, in manifest order.
 */
export function corpusUnits(corpus: string): Unit[] {
  const rows = readFileSync(path.join(corpus, 'MANIFEST.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((l) => l.split('\t'));
  const units: Unit[] = [];
  for (const row of rows) {
    const [file, , , , status] = [row[3], row[4], row[5], row[6], row[9]];
    if (status !== 'ok') continue;
    let doc: unknown;
    try {
      const parsed = parseDocument(readFileSync(path.join(corpus, file), 'utf8'), file);
      Template.from(parsed, { explicit: true }); // only templates the model accepts: a broken one would stop the whole file
      doc = parsed.value;
    } catch (error) {
      if (error instanceof InputError) continue;
      throw error;
    }
    if (!isObj(doc) || doc.Transform !== undefined || !isObj(doc.Resources) || Object.keys(doc.Resources).length === 0)
      continue;
    if (
      Object.keys(doc.Resources).some((id) => id.startsWith('Fn::ForEach')) ||
      !Object.values(doc.Resources).every(isObj)
    )
      continue;
    const section = (name: string): Obj => (isObj(doc[name]) ? (doc[name] as Obj) : {});
    units.push({
      Parameters: section('Parameters'),
      Conditions: section('Conditions'),
      Mappings: section('Mappings'),
      Resources: doc.Resources,
    });
  }
  return units;
}

/** A copy of `unit` with every name it defines suffixed, and every reference to those names rewritten. */
function renamed(unit: Unit, suffix: string): Unit {
  const refs = new Set([...Object.keys(unit.Resources), ...Object.keys(unit.Parameters)]);
  const conditions = new Set(Object.keys(unit.Conditions));
  const mappings = new Set(Object.keys(unit.Mappings));
  const ref = (name: unknown): unknown => (typeof name === 'string' && refs.has(name) ? name + suffix : name);
  const cond = (name: unknown): unknown => (typeof name === 'string' && conditions.has(name) ? name + suffix : name);
  const sub = (text: string): string =>
    text.replace(/\$\{([^}!.]+)(\.[^}]*)?\}/g, (all, name: string, attr: string | undefined) =>
      refs.has(name) ? `\${${name}${suffix}${attr ?? ''}}` : all,
    );

  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!isObj(v)) return v;
    const keys = Object.keys(v);
    if (keys.length === 1) {
      const [k] = keys;
      const a = v[k];
      if (k === 'Ref') return { Ref: ref(a) };
      if (k === 'Condition' && typeof a === 'string') return { Condition: cond(a) };
      if (k === 'Fn::GetAtt') {
        if (typeof a === 'string') return { [k]: a.replace(/^[^.]+/, (id) => String(ref(id))) };
        if (Array.isArray(a)) return { [k]: [ref(a[0]), ...a.slice(1).map(walk)] };
      }
      if (k === 'Fn::Sub') {
        if (typeof a === 'string') return { [k]: sub(a) };
        if (Array.isArray(a) && typeof a[0] === 'string') return { [k]: [sub(a[0]), ...a.slice(1).map(walk)] };
      }
      if (k === 'Fn::If' && Array.isArray(a)) return { [k]: [cond(a[0]), ...a.slice(1).map(walk)] };
      if (k === 'Fn::FindInMap' && Array.isArray(a)) {
        return {
          [k]: [typeof a[0] === 'string' && mappings.has(a[0]) ? a[0] + suffix : walk(a[0]), ...a.slice(1).map(walk)],
        };
      }
    }
    const out: Obj = {};
    for (const key of keys) out[key] = walk(v[key]);
    return out;
  };
  const rename = (section: Obj, names: (key: string) => string, entry: (value: unknown) => unknown = walk): Obj =>
    Object.fromEntries(Object.entries(section).map(([k, value]) => [names(k), entry(value)]));
  return {
    Parameters: rename(unit.Parameters, (k) => k + suffix),
    Conditions: rename(unit.Conditions, (k) => k + suffix),
    Mappings: rename(unit.Mappings, (k) => k + suffix),
    Resources: rename(
      unit.Resources,
      (k) => k + suffix,
      (r) => {
        const resource = walk(r) as Obj;
        if (typeof resource.Condition === 'string') resource.Condition = cond(resource.Condition);
        if (typeof resource.DependsOn === 'string') resource.DependsOn = ref(resource.DependsOn);
        if (Array.isArray(resource.DependsOn)) resource.DependsOn = resource.DependsOn.map(ref);
        return resource;
      },
    ),
  };
}

/** Templates (as objects) of about `perTemplate` resources each, `total` resources in all. */
export function synthesize(units: readonly Unit[], total: number, perTemplate = total): Obj[] {
  const templates: Obj[] = [];
  let current: Unit | undefined;
  let count = 0;
  let inTemplate = 0;
  let next = 0;
  const flush = (): void => {
    if (!current) return;
    // parameters without defaults would have to be given on the command line: give them one
    for (const p of Object.values(current.Parameters))
      if (isObj(p) && p.Default === undefined) p.Default = p.Type === 'Number' ? '1' : 'x';
    templates.push({
      AWSTemplateFormatVersion: '2010-09-09',
      Description: `synthetic: ${inTemplate} corpus resources`,
      ...current,
    });
    current = undefined;
    inTemplate = 0;
  };
  while (count < total) {
    const unit = renamed(units[next % units.length], `S${next}`);
    next += 1;
    let ids = Object.keys(unit.Resources);
    // the last unit is cut to land on the total exactly; a reference into the cut part stays unresolved, as in real drafts
    if (count + ids.length > total) ids = ids.slice(0, total - count);
    current ??= { Parameters: {}, Conditions: {}, Mappings: {}, Resources: {} };
    Object.assign(current.Parameters, unit.Parameters);
    Object.assign(current.Conditions, unit.Conditions);
    Object.assign(current.Mappings, unit.Mappings);
    for (const id of ids) current.Resources[id] = unit.Resources[id];
    count += ids.length;
    inTemplate += ids.length;
    if (inTemplate >= perTemplate) flush();
  }
  flush();
  return templates;
}

/**
 * Writes a folder of templates of `total` resources in all, 500 to a template (CloudFormation's limit per
 * stack); returns the folder.
 */
export function writeTemplates(dir: string, units: readonly Unit[], total: number, format: 'json' | 'yaml'): string {
  const out = path.join(dir, `templates-${total}-${format}`);
  mkdirSync(out, { recursive: true });
  synthesize(units, total, 500).forEach((template, i) => {
    const text =
      format === 'json'
        ? JSON.stringify(template, null, 1)
        : YAML.stringify(template, { aliasDuplicateObjects: false });
    writeFileSync(path.join(out, `template-${String(i).padStart(4, '0')}.${format}`), text);
  });
  return out;
}

/**
 * Writes a cloud assembly of `total` resources in stacks of 500 (CloudFormation's limit per stack), each
 * resource with its construct path, as `cdk synth` writes them; returns the cdk.out directory.
 */
export function writeAssembly(dir: string, units: readonly Unit[], total: number): string {
  const out = path.join(dir, `cdk.out-${total}`);
  mkdirSync(out, { recursive: true });
  const artifacts: Obj = {};
  synthesize(units, total, 500).forEach((template, i) => {
    const stack = `Stack${i}`;
    const metadata: Obj = {};
    for (const [id, resource] of Object.entries(template.Resources as Obj)) {
      const constructPath = `${stack}/${id}/Resource`;
      (resource as Obj).Metadata = {
        ...((resource as Obj).Metadata as Obj | undefined),
        'aws:cdk:path': constructPath,
      };
      metadata[`/${constructPath}`] = [{ type: 'aws:cdk:logicalId', data: id }];
    }
    writeFileSync(path.join(out, `${stack}.template.json`), JSON.stringify(template, null, 1));
    artifacts[stack] = {
      type: 'aws:cloudformation:stack',
      environment: `aws://${String(100000000000 + (i % 3)).padStart(12, '0')}/eu-west-1`,
      properties: { templateFile: `${stack}.template.json` },
      metadata,
      displayName: stack,
    };
  });
  writeFileSync(path.join(out, 'manifest.json'), JSON.stringify({ version: '48.0.0', artifacts }, null, 1));
  return out;
}
