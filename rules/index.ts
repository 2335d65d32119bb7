/** The built-in packs, one folder each: rules/<pack id>/pack.ts. */
import type { Pack } from '../lib/engine/rule';
import alarms from './alarms/pack';
import cloudtrail from './cloudtrail/pack';
import environments from './environments/pack';
import flowLogs from './flow-logs/pack';
import tracing from './tracing/pack';

export const BUILTIN_PACKS: readonly Pack[] = [alarms, cloudtrail, flowLogs, tracing, environments];
