/** The built-in packs, one folder each: rules/<pack id>/pack.ts, in the order of the OPS questions. */
import type { Pack } from '../lib/rule';
import { BUILTIN_CATALOGUE } from './catalogue';

/** opslint's own packs, in the order of the OPS questions (all loaded; rules/catalogue.ts loads them one by one). */
export const BUILTIN_PACKS: readonly Pack[] = BUILTIN_CATALOGUE.map((e) => e.load());
