/** The built-in packs, one folder each: rules/<pack id>/pack.ts, in the order of the OPS questions. */
import type { Pack } from '../lib/rule';
import accessLogs from './access-logs/pack';
import alarms from './alarms/pack';
import anomalyDetection from './anomaly-detection/pack';
import cloudtrail from './cloudtrail/pack';
import configuration from './configuration/pack';
import dashboards from './dashboards/pack';
import deployments from './deployments/pack';
import environments from './environments/pack';
import failureCapture from './failure-capture/pack';
import flowLogs from './flow-logs/pack';
import incidentResponse from './incident-response/pack';
import kpis from './kpis/pack';
import logging from './logging/pack';
import monitoring from './monitoring/pack';
import ownership from './ownership/pack';
import patching from './patching/pack';
import pipelines from './pipelines/pack';
import recovery from './recovery/pack';
import rollback from './rollback/pack';
import runbooks from './runbooks/pack';
import tracing from './tracing/pack';
import userExperience from './user-experience/pack';

/** opslint's own packs, in the order of the OPS questions. */
export const BUILTIN_PACKS: readonly Pack[] = [
  ownership,
  kpis,
  logging,
  accessLogs,
  monitoring,
  cloudtrail,
  userExperience,
  flowLogs,
  tracing,
  configuration,
  pipelines,
  patching,
  environments,
  recovery,
  deployments,
  rollback,
  runbooks,
  anomalyDetection,
  alarms,
  dashboards,
  failureCapture,
  incidentResponse,
];
