/**
 * Files, folders and globs, the way `opslint scan` takes them: each template file is a unit, and so is each
 * cloud assembly found (a folder with a cloud assembly's manifest.json, read whole). Locations are paths as
 * shown from the working directory.
 */
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { readCloudAssembly } from '../assembly/read';
import { singleTemplateAssembly, type Stack } from '../assembly/model';
import { discoverInputs, type AssemblyInput, type TemplateInput } from '../inputs/discover';
import { InputError, messages } from '../template/errors';
import { loadTemplate } from '../template/load';
import type { Reader, Source, Unit } from './source';

/** The templates and cloud assemblies that `paths` name (files, folders searched recursively, globs), but for those `ignore` matches. */
export function filesSource(paths: readonly string[], ignore?: readonly string[]): Source {
  return {
    list: ({ cwd, display }) => {
      const discovery = discoverInputs(paths, cwd, display, ignore);
      const units = discovery.inputs.map((input): Unit<TemplateInput | AssemblyInput> =>
        input.kind === 'template'
          ? { reader: templateReader.id, name: display(input.file), bytes: sizeOf(input.file), data: input }
          : {
              reader: cloudAssemblyReader.id,
              name: display(path.join(input.dir, 'manifest.json')),
              bytes: jsonBytes(input.dir),
              data: input,
            },
      );
      return {
        units,
        errors: discovery.errors,
        nothingFound: discovery.given.map((given) => new InputError(messages.noTemplates(), given)),
      };
    },
  };
}

/** A template file: an assembly of its one stack (none when a file found in a folder is not a template). */
export const templateReader: Reader<TemplateInput> = {
  id: 'template',
  portable: true,
  read: (input, { changed, display, lenient, load }) => {
    if (changed && !changed.has(input.file)) return { errors: [] };
    const template = loadTemplate(input.file, {
      ...load,
      explicit: input.explicit && !lenient,
      displayName: display(input.file),
    });
    return { assembly: template ? singleTemplateAssembly(template) : undefined, errors: [] };
  },
};

/** A cloud assembly, read whole: app-level rules need all of it, so it is scanned when any of its stacks changed. */
export const cloudAssemblyReader: Reader<AssemblyInput> = {
  id: 'cloud-assembly',
  portable: true,
  read: (input, { changed, cwd, display, load }) => {
    const read = readCloudAssembly(input.dir, load, display);
    if (changed && !read.assembly.stacks.some((stack) => stackChanged(stack, changed, cwd))) return { errors: [] };
    return read;
  },
};

/** A stack changed when its template did, or the source file of one of its constructs (`lib/api-stack.ts:12:5`). */
function stackChanged(stack: Stack, changed: ReadonlySet<string>, cwd: string): boolean {
  if (changed.has(path.resolve(cwd, stack.template.file))) return true;
  for (const c of stack.constructs?.values() ?? []) {
    const file = c.source?.replace(/:\d+:\d+$/, '');
    if (file && changed.has(path.resolve(cwd, file))) return true;
  }
  return false;
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0; // unreadable: reading it says so
  }
}

/** The JSON files of a cloud assembly's folder: its manifest and templates, roughly what reading it reads. */
function jsonBytes(dir: string): number {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .reduce((sum, f) => sum + sizeOf(path.join(dir, f)), 0);
  } catch {
    return 0;
  }
}
