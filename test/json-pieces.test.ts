/**
 * Large JSON that the running process wrote, read in pieces (lib/template/json-pieces.ts): the value is the one
 * `JSON.parse` gives, or none and the caller reads the text whole. Its time is measured in bench/ (synth).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { isAscii } from 'node:buffer';
import { readCloudAssembly } from '../lib/assembly/read';
import { parseJsonInPieces, WHOLE_BYTES } from '../lib/template/json-pieces';

/** Split at every object over lines, however small (the threshold is for speed, not for what is read). */
const pieces = (text: string): unknown => parseJsonInPieces(Buffer.from(text), 0);

/** The same value, key order and own `__proto__` keys included. */
function expectSame(actual: unknown, text: string): void {
  const expected: unknown = JSON.parse(text);
  expect(actual).toStrictEqual(expected);
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
}

describe('JSON read in pieces', () => {
  it('gives what JSON.parse gives, for documents as JSON.stringify indents them', () => {
    const document = {
      AWSTemplateFormatVersion: '2010-09-09',
      Resources: {
        'Fn\\"Quoted': {
          Type: 'AWS::Lambda::Function',
          Properties: { Code: { ZipFile: 'a\n  "Not": "a member",\n' } },
        },
        '10': { Type: 'AWS::SQS::Queue', Properties: {} },
        '2': { Type: 'AWS::SQS::Queue', Properties: { Tags: [{ Key: 'k', Value: 'v' }, [], {}] } },
        Empty: {},
        List: [1, -2.5e3, true, false, null, '\u0000\u001f', { a: [] }],
      },
      Outputs: {},
    };
    for (const indent of [1, 2, 4, '\t'])
      expectSame(pieces(JSON.stringify(document, null, indent)), JSON.stringify(document));
  });

  it('keeps a __proto__ key an own property and the last of repeated keys, in the order JSON.parse keeps them', () => {
    const text = '{\n "__proto__": {\n  "polluted": 1\n },\n "a": 1,\n "b": {\n  "x": 1,\n  "x": 2\n },\n "a": 3\n}';
    const value = pieces(text) as Record<string, unknown>;
    expectSame(value, text);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('defines a key that objects inherit, as JSON.parse does, even one a setter was added to the prototype for', () => {
    const text = '{\n "toString": 1,\n "Resources": {\n  "hasOwnProperty": 2\n },\n "Trap": 3\n}';
    const set = jest.fn();
    Object.defineProperty(Object.prototype, 'Trap', { set, configurable: true });
    try {
      expectSame(pieces(text), text);
      expect(set).not.toHaveBeenCalled();
    } finally {
      delete (Object.prototype as Record<string, unknown>).Trap;
    }
  });

  it('gives the same value as JSON.parse, or none, for any JSON value and any indentation', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(0, 1, 2, 3, '\t', ' \n'), (value, indent) => {
        const text = JSON.stringify({ root: value, more: value }, null, indent);
        const read = pieces(text);
        if (read !== undefined) expectSame(read, text);
        // ASCII that JSON.stringify indents with spaces is always read
        if (typeof indent === 'number' && indent > 0 && isAscii(Buffer.from(text))) expect(read).not.toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it('gives nothing for text that is not JSON, so that the caller reports it', () => {
    const valid = JSON.stringify({ a: { b: 1, c: [1, 2] }, d: 'x' }, null, 1);
    expectSame(pieces(valid), valid);
    fc.assert(
      fc.property(
        fc.nat(valid.length - 1),
        fc.constantFrom('', ',', ':', '{', '}', '[', ']', '"', ' ', '\n', 'x', '\\', '\u0000'),
        fc.boolean(),
        (at, insert, replace) => {
          const text = valid.slice(0, at) + insert + valid.slice(replace ? at + 1 : at);
          let expected: unknown;
          try {
            expected = JSON.parse(text);
          } catch {
            expect(pieces(text)).toBeUndefined();
            return;
          }
          const read = pieces(text);
          if (read !== undefined) expectSame(read, JSON.stringify(expected));
        },
      ),
      { numRuns: 1000 },
    );
    for (const text of [
      '{\n "a": 1,\n}',
      '{\n "a": 1\n "b": 2\n}',
      '{\n "a": 1\n} x',
      '{\n "a": {\n "b": 1\n }\n}x',
      '[\n 1\n]',
      '{\n "a": 1\n',
    ])
      expect(pieces(text)).toBeUndefined();
  });

  it('reads small text whole, and text that is not ASCII', () => {
    const text = JSON.stringify({ a: { b: 1 } }, null, 1);
    expect(parseJsonInPieces(Buffer.from(text))).toBeUndefined();
    const large = JSON.stringify({ a: 'x'.repeat(WHOLE_BYTES), b: { c: 1 } }, null, 1);
    expectSame(parseJsonInPieces(Buffer.from(large)), large);
    expect(parseJsonInPieces(Buffer.from(large.replace('"c"', '"\u00e9"')))).toBeUndefined();
  });

  it('reads a large template and metadata file of the app being synthesized as it reads them with positions, and reports invalid JSON at its place', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'opslint-pieces-'));
    try {
      const resources: Record<string, unknown> = {};
      for (let i = 0; i < 900; i++)
        resources[`Queue${i}`] = {
          Type: 'AWS::SQS::Queue',
          Properties: { QueueName: `queue-${i}`, Tags: [{ Key: 'Owner', Value: 'team' }] },
        };
      const text = JSON.stringify({ Resources: resources }, undefined, 1);
      expect(text.length).toBeGreaterThan(WHOLE_BYTES);
      writeFileSync(path.join(dir, 'App.template.json'), text);
      // the construct of each queue, as the CDK writes it beside the manifest
      const metadata: Record<string, unknown> = {};
      for (let i = 0; i < 900; i++)
        metadata[`/App/Queue${i}/Resource`] = [
          { type: 'aws:cdk:logicalId', data: `Queue${i}` },
          { type: 'aws:cdk:creationStack', data: ['new Queue (/src/lib/app.ts:12:5)'] },
        ];
      const metadataText = JSON.stringify(metadata, undefined, 1);
      expect(metadataText.length).toBeGreaterThan(WHOLE_BYTES);
      writeFileSync(path.join(dir, 'App.metadata.json'), metadataText);
      writeFileSync(
        path.join(dir, 'manifest.json'),
        JSON.stringify({
          version: '36.0.0',
          artifacts: {
            App: {
              type: 'aws:cloudformation:stack',
              properties: { templateFile: 'App.template.json' },
              displayName: 'App',
              additionalMetadataFile: 'App.metadata.json',
            },
          },
        }),
      );
      const stackOf = (ownOutput: boolean) => readCloudAssembly(dir, { ownOutput }).assembly.stacks[0];
      expect(stackOf(true).template.document).toStrictEqual(stackOf(false).template.document);
      expect(stackOf(true).template.document).toStrictEqual(JSON.parse(text));
      // the same constructs, less where the app created them (not read from the app's own output)
      const paths = (ownOutput: boolean) =>
        [...(stackOf(ownOutput).constructs ?? new Map())].map(([id, c]: [string, { path: string }]) => [id, c.path]);
      expect(paths(true)).toHaveLength(900);
      expect(paths(true)).toEqual(paths(false));
      expect(paths(true)[899]).toEqual(['Queue899', 'App/Queue899/Resource']);
      // the 200th queue's name without the comma after it: the error is at the key that follows (line 1 is `{`)
      writeFileSync(path.join(dir, 'App.template.json'), text.replace('"queue-199",', '"queue-199"'));
      const next = text.split('\n').findIndex((l) => l.includes('"queue-199"')) + 2;
      const { errors } = readCloudAssembly(dir, { ownOutput: true });
      expect(errors.map((e) => `${e.file}:${e.position?.line}:${e.position?.column}`)).toEqual([
        `${path.join(dir, 'App.template.json')}:${next}:5`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
