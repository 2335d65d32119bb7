/** The official SARIF 2.1.0 schema (draft-04, beside the shared corpus) as a validator, its formats checked. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv-draft-04';
import { corpusDir } from './corpus';

const SCHEMA = JSON.parse(
  readFileSync(path.join(corpusDir(), '..', 'schemas', 'sarif-schema-2.1.0.json'), 'utf8'),
) as object;
// the schema's formats, checked rather than ignored
const FORMATS = {
  uri: (s: string) => URL.canParse(s),
  'uri-reference': (s: string) => URL.canParse(s, 'file:///'),
  'date-time': (s: string) => !Number.isNaN(Date.parse(s)),
};

export const validateSarif = new Ajv({ strict: false, allErrors: true, formats: FORMATS }).compile(SCHEMA);
