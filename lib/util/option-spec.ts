/**
 * A command-line option declared once: lib/cli/options.ts gives the declaration to the argument parser, and
 * {@link OptionValues} reads the type of its value from the same declaration, so the parser and the code that
 * reads the options cannot disagree. Types only, importing nothing, so that any layer can declare options
 * (lib/config/limits.ts declares the limit flags beside the limits).
 */

export interface OptionSpec {
  /** as commander takes them: `-f, --format <format>`, `--dry-run`, `--no-config` */
  readonly flags: string;
  /** the help text */
  readonly help: string;
  /** repeatable: `each` keeps each value as given, `list` also splits each at commas */
  readonly repeat?: 'each' | 'list';
  /** the values allowed */
  readonly choices?: readonly string[];
  /** the values of the options marked so are also recorded in the order given, among each other (`--format`, `--output`) */
  readonly ordered?: true;
}

/** `fail-on` → `failOn`, as commander names an option's value */
type Camel<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;
/** the long flag, without its dashes and value: `-f, --format <format>` → `format` */
type Long<F extends string> = F extends `${string}--${infer Rest}`
  ? Rest extends `${infer Name} ${string}`
    ? Name
    : Rest
  : never;
type Negated<F extends string> = Long<F> extends `no-${string}` ? true : false;
type Key<F extends string> = Camel<Long<F> extends `no-${infer Name}` ? Name : Long<F>>;
/**
 * `--no-x` gives false; an option with a value gives it (a list when repeatable); a flag gives true. Distributed
 * over `S`: `--x <v>` and `--no-x` come here together, as the two values of one key.
 */
type Value<S extends OptionSpec> = S extends OptionSpec
  ? Negated<S['flags']> extends true
    ? false
    : S['flags'] extends `${string}<${string}>${string}`
      ? S extends { readonly repeat: string }
        ? string[]
        : S extends { readonly choices: readonly (infer C)[] }
          ? C
          : string
      : true
  : never;
type KeysWhere<S extends OptionSpec, N extends boolean> = S extends OptionSpec
  ? Negated<S['flags']> extends N
    ? Key<S['flags']>
    : never
  : never;
/** `--no-x` without `--x`: x is true unless it is given */
type NegatedOnly<Specs extends readonly OptionSpec[]> = Exclude<
  KeysWhere<Specs[number], true>,
  KeysWhere<Specs[number], false>
>;
type Given<Specs extends readonly OptionSpec[]> = { readonly [S in Specs[number] as Key<S['flags']>]?: Value<S> };

/** The option values commander gives for these options: one key per option (`--x` and `--no-x` share one). */
export type OptionValues<Specs extends readonly OptionSpec[]> = Omit<Given<Specs>, NegatedOnly<Specs>> & {
  readonly [K in NegatedOnly<Specs>]: boolean;
};

/** The values of the `ordered` options, in the order given. */
export type OrderedValues<Specs extends readonly OptionSpec[]> = {
  readonly flag: Key<Extract<Specs[number], { readonly ordered: true }>['flags']>;
  readonly value: string;
}[];
