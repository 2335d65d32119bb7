/**
 * Input errors: a file that cannot be read as a template. Every user-facing text for them is written here,
 * once, so they all read the same way: `file:line:col: message`.
 */
import type { Position } from './source';

// the class lives with opslint's other errors; readers import it here beside the texts they give it
export { InputError } from '../errors';

export const messages = {
  unreadable: (reason: string) => `cannot read file: ${reason}`,
  binary: () => 'binary file, not a JSON or YAML template',
  tooLarge: (size: number | undefined, limit: number) =>
    `file is ${size === undefined ? '' : `${size} bytes, `}more than ${limit} bytes (limit: --max-file-size, limits.maxFileSize)`,
  json: (what: string) => `invalid JSON: ${what}`,
  yaml: (what: string) => `invalid YAML: ${what}`,
  duplicateKey: (key: string, first: Position) =>
    `duplicate key "${key}" (first defined at line ${first.line}, column ${first.column})`,
  yamlTabs: () => 'invalid YAML: tab characters are not allowed for indentation',
  multiDocument: () => 'YAML file holds more than one document; a template is a single document',
  // a tag is quoted up to 64 characters: one can be as long as the file
  unknownTag: (tag: string) =>
    `unknown YAML tag ${tag.length > 64 ? `${tag.slice(0, 64)}…` : tag}; CloudFormation's short forms are !Ref, !GetAtt, !Sub and the other !Fn tags`,
  aliasBomb: (limit: number) =>
    `YAML aliases expand to more than ${limit} nodes: an alias bomb? (limit: --max-alias-nodes, limits.maxAliasNodes)`,
  tooDeep: (limit: number) => `nesting deeper than ${limit} levels (limit: --max-depth, limits.maxDepth)`,
  tooDeepForReader: (levels: number, limit: number) =>
    `nesting of ${levels} levels is more than the YAML reader can follow, though within the limit of ${limit} (limit: --max-depth, limits.maxDepth)`,
  parseTimeout: (limit: number) => `parsing took longer than ${limit} ms (limit: --parse-timeout, limits.parseTimeout)`,
  forEachEntries: (limit: number) =>
    `Fn::ForEach loops expand to more than ${limit} entries (limit: --max-foreach-entries, limits.maxForEachEntries)`,
  forEachCopies: (limit: number, perEntry: number) =>
    `Fn::ForEach loops copy more than ${limit * perEntry} values, ${perEntry} for each of the ${limit} entries allowed (limit: --max-foreach-entries, limits.maxForEachEntries)`,
  invalidUtf8: (byte: number) =>
    `invalid UTF-8: byte 0x${byte.toString(16).toUpperCase().padStart(2, '0')} is not part of a UTF-8 character; save the file as UTF-8`,
  rootNotMapping: (found: string) => `the template root must be a mapping, found ${found}`,
  notTemplate: () => 'not a CloudFormation template: no Resources section',
  emptyResources: () => 'Resources is empty: CloudFormation rejects a template without resources',
  sectionNotMapping: (section: string, found: string) => `${section} must be a mapping, found ${found}`,
  resourceNotMapping: (id: string, found: string) => `resource ${id} must be a mapping, found ${found}`,
  resourceWithoutType: (id: string) => `resource ${id} has no Type`,
  resourceTypeNotString: (id: string) => `resource ${id} has a Type that is not a string`,
  emptyFile: () => 'empty file',
  parameterFile: (what: string) => `invalid parameter file: ${what}`,
  manifest: (what: string) => `invalid cloud assembly manifest: ${what}`,
  recordedAcknowledgements: () =>
    'invalid record of CDK acknowledgements: expected { "acknowledgements": [{ "id", "reason", "at" }] } (opslint writes it during cdk synth; synthesize again)',
  outsideAssembly: (what: string, file: string) => `${what}, ${file}, is outside the cloud assembly; it is not read`,
  assemblyCycle: (what: string, file: string) =>
    `${what}, ${file}, leads back to a folder or template that holds it: a cycle; it is not read again`,
  stageReadTwice: (what: string, file: string) =>
    `${what}, ${file}, is the folder of another artifact too; it is read once`,
  tooManyResources: (limit: number) =>
    `the stacks of the cloud assembly hold more than ${limit} resources together; the others are not read (limit: --max-resources, limits.maxResources)`,
  nestedTooDeep: (id: string, depth: number) => `nested stack ${id} is more than ${depth} levels deep; it is not read`,
  tooManyStacks: (limit: number) =>
    `the cloud assembly holds more than ${limit} stacks; the others are not read (limit: --max-stacks, limits.maxStacks)`,
  noTemplates: () => 'no CloudFormation template or cloud assembly found here: nothing was scanned',
} as const;

/** A short name for the kind of a parsed value, for error messages. */
export function kindOf(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}
