/** ACME's opslint pack: two rules in TypeScript, the others in rules.yaml (no code). */
import * as path from 'node:path';
import { definePack, loadYamlPack } from 'opslint/rule';
import alarmNaming from './rules/alarm-naming';
import ownerAndCostTags from './rules/owner-and-cost-tags';

const yamlRules = loadYamlPack(path.join(__dirname, '..', 'rules.yaml')).rules;

export const pack = definePack({
  id: 'acme',
  title: 'ACME platform standards',
  rules: [ownerAndCostTags, alarmNaming, ...yamlRules],
});

export default pack;
