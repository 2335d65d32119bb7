/**
 * Rule options against the rule's `optionsSchema`: which option given in a configuration is unknown or of
 * the wrong type, and how an option's schema reads in words (in that error and in the rule's doc page).
 */
import type { default as Ajv, ValidateFunction } from 'ajv';
import type { OptionSchema, Rule, RuleOptions } from './rule';
import { suggest } from './suggest';

/** A mistake in the options given to a rule: the option, and one line naming the rule and the option. */
export interface OptionProblem {
  readonly option: string;
  readonly message: string;
}

/**
 * The first option in `given` that `rule` does not take, or whose value its schema rejects. A rule without a
 * schema takes the options it declares defaults for, of any value; one that declares neither, any options.
 */
export function optionProblem(
  rule: Pick<Rule, 'id' | 'optionsSchema' | 'options'>,
  given: RuleOptions,
): OptionProblem | undefined {
  const schema: Readonly<Record<string, OptionSchema>> | undefined = rule.optionsSchema;
  if (schema === undefined && rule.options === undefined) return undefined;
  const names = Object.keys(schema ?? rule.options ?? {});
  for (const [option, value] of Object.entries(given)) {
    if (!names.includes(option)) {
      const hint =
        suggest(option, names) ||
        (names.length > 0 ? `; its options are ${names.join(', ')}` : '; it takes no options');
      return { option, message: `rule "${rule.id}" has no option "${option}"${hint}` };
    }
    if (schema && !validator(schema[option])(value))
      return { option, message: `rule "${rule.id}": option "${option}" must be ${describeOption(schema[option])}` };
  }
  return undefined;
}

/** An option's schema in words: "a list of strings", `one of "all", "served"`. */
export function describeOption(schema: OptionSchema, many = false): string {
  if ('enum' in schema) return `${many ? 'any of' : 'one of'} ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  switch (schema.type) {
    case 'boolean':
      return many ? 'true or false values' : 'true or false';
    case 'number':
    case 'integer': {
      const noun = schema.type === 'integer' ? 'whole number' : 'number';
      return `${many ? `${noun}s` : `a ${noun}`}${schema.minimum !== undefined ? ` of at least ${schema.minimum}` : ''}`;
    }
    case 'string':
      if (schema.format === 'regex') return many ? 'regular expressions' : 'a regular expression';
      return many ? 'strings' : 'a string';
    case 'array':
      return `${many ? 'lists' : 'a list'} of ${describeOption(schema.items, true)}`;
    case 'object':
      return `${many ? 'mappings' : 'a mapping'} of names to ${describeOption(schema.additionalProperties, true)}`;
  }
}

let ajv: Ajv | undefined;
const compiled = new WeakMap<OptionSchema, ValidateFunction>();

function validator(schema: OptionSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    if (!ajv) {
      // loaded when options are first given, not on import: most scans configure none
      const { default: AjvClass } = require('ajv') as typeof import('ajv');
      ajv = new AjvClass().addFormat('regex', { type: 'string', validate: compiles });
    }
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

/** Whether a string is a regular expression, as the rules compile their patterns (ignoring case). */
function compiles(source: string): boolean {
  try {
    new RegExp(source, 'i');
    return true;
  } catch {
    return false;
  }
}
