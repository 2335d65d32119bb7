/**
 * `--parameters`: `Key=Value` pairs, or a parameter file — the CloudFormation CLI's list of
 * `{ParameterKey, ParameterValue}`, or a plain key → value object (JSON or YAML). `file://` is accepted.
 */
import * as path from 'node:path';
import { InputError, messages } from '../template/errors';
import { isPlainObject } from '../template/intrinsics';
import { readText } from '../template/load';
import { parseDocument } from '../template/parse';

/** A table of parameter values: without a prototype, so a parameter may be named `__proto__` or `constructor`. */
function table(): Record<string, string> {
  return Object.create(null) as Record<string, string>;
}

export function parseParameterArgs(values: readonly string[], cwd: string): Record<string, string> {
  const out = table();
  for (const value of values) {
    const file = parameterFile(value);
    if (file === undefined) {
      const eq = value.indexOf('=');
      out[value.slice(0, eq)] = value.slice(eq + 1);
    } else {
      Object.assign(out, readParameterFile(path.resolve(cwd, file), file));
    }
  }
  return out;
}

/** The file a `--parameters` value names (`file://` accepted); undefined for a `Key=Value` pair. */
export function parameterFile(value: string): string | undefined {
  return value.indexOf('=') > 0 && !value.startsWith('file://') ? undefined : value.replace(/^file:\/\//, '');
}

export function readParameterFile(file: string, shown = file): Record<string, string> {
  const doc = parseDocument(readText(file, undefined, shown), shown);
  const root = doc.value;
  const fail = (what: string, at: (string | number)[] = []): InputError =>
    new InputError(messages.parameterFile(what), shown, doc.sourceMap.locate(root, at));
  const out = table();
  if (Array.isArray(root)) {
    root.forEach((entry, i) => {
      if (!isPlainObject(entry) || typeof entry.ParameterKey !== 'string' || !isScalar(entry.ParameterValue)) {
        throw fail('each entry needs a ParameterKey and a ParameterValue', [i]);
      }
      out[entry.ParameterKey] = String(entry.ParameterValue);
    });
  } else if (isPlainObject(root)) {
    for (const [key, value] of Object.entries(root)) {
      if (Array.isArray(value) && value.every(isScalar)) out[key] = value.join(',');
      else if (isScalar(value)) out[key] = String(value);
      else throw fail(`the value of ${key} must be a string, a number, a boolean or a list of them`, [key]);
    }
  } else {
    throw fail('expected a list of {ParameterKey, ParameterValue} or an object of names to values');
  }
  return out;
}

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}
