/**
 * The composition root: the one place where opslint's catalogue meets its pipeline. The pipeline (lib/scan.ts,
 * lib/parallel, lib/engine, lib/sources) never imports `rules/`; the command line, the CDK integrations and the
 * public entry take the built-in packs from here and hand them on.
 */
export { BUILTIN_PACKS } from '../rules';
