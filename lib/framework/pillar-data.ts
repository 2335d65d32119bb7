/** AWS Well-Architected Operational Excellence (OPS) pillar data, 2024 revision numbering: question and best-practice ids, titles and page slugs checked 2026-11 against docs.aws.amazon.com/wellarchitected (framework and operational-excellence-pillar pages, via stored copies; the newest full capture is the framework as of 2026-05), with the older 9-question seed numbering mapped by meaning. */

/** One best practice of the OPS pillar (current numbering, 2024 revision). */
export interface BestPracticeData {
  /** e.g. 'OPS04-BP05' */
  readonly id: string;
  /** e.g. 'Implement distributed tracing' */
  readonly title: string;
  /** documentation page slug, e.g. 'ops_observability_dist_trace' */
  readonly slug: string;
  /** true when a CloudFormation template or CDK cloud assembly can show evidence for it (see ops-framework.md "What a template can show"; OPS01, OPS03, OPS09, OPS11, most of OPS07, OPS05-BP01/06/09 are not) */
  readonly templateCheckable: boolean;
}

export interface QuestionData {
  /** 'OPS01' … 'OPS11' */
  readonly id: string;
  /** the question, e.g. 'How do you implement observability in your workload?' */
  readonly title: string;
  /** short topic name, e.g. 'Observability' */
  readonly topic: string;
  /** question page slug, if verified */
  readonly slug: string;
  /** the older 9-question numbering used by the seed notes, e.g. 'OPS 2', or undefined when it has none (OPS02 and OPS03; see the table in ops-framework.md) */
  readonly seedId?: string;
  readonly bestPractices: readonly BestPracticeData[];
}

export const DOCS_BASE = 'https://docs.aws.amazon.com/wellarchitected/latest/operational-excellence-pillar/';

/** The 11 questions of the Operational Excellence pillar and their best practices. */
export const QUESTIONS: readonly QuestionData[] = [
  {
    id: 'OPS01',
    title: 'How do you determine what your priorities are?',
    topic: 'Organizational priorities',
    slug: 'organization-priorities',
    seedId: 'OPS 1',
    bestPractices: [
      {
        id: 'OPS01-BP01',
        title: 'Evaluate external customer needs',
        slug: 'ops_priorities_ext_cust_needs',
        templateCheckable: false,
      },
      {
        id: 'OPS01-BP02',
        title: 'Evaluate internal customer needs',
        slug: 'ops_priorities_int_cust_needs',
        templateCheckable: false,
      },
      {
        id: 'OPS01-BP03',
        title: 'Evaluate governance requirements',
        slug: 'ops_priorities_governance_reqs',
        templateCheckable: false,
      },
      {
        id: 'OPS01-BP04',
        title: 'Evaluate compliance requirements',
        slug: 'ops_priorities_compliance_reqs',
        templateCheckable: false,
      },
      {
        id: 'OPS01-BP05',
        title: 'Evaluate threat landscape',
        slug: 'ops_priorities_eval_threat_landscape',
        templateCheckable: false,
      },
      {
        id: 'OPS01-BP06',
        title: 'Evaluate tradeoffs while managing benefits and risks',
        slug: 'ops_priorities_eval_tradeoffs',
        templateCheckable: false,
      },
    ],
  },
  {
    id: 'OPS02',
    title: 'How do you structure your organization to support your business outcomes?',
    topic: 'Operating model',
    slug: 'relationships-and-ownership',
    bestPractices: [
      {
        id: 'OPS02-BP01',
        title: 'Resources have identified owners',
        slug: 'ops_ops_model_def_resource_owners',
        templateCheckable: true,
      },
      {
        id: 'OPS02-BP02',
        title: 'Processes and procedures have identified owners',
        slug: 'ops_ops_model_def_proc_owners',
        templateCheckable: false,
      },
      {
        id: 'OPS02-BP03',
        title: 'Operations activities have identified owners responsible for their performance',
        slug: 'ops_ops_model_def_activity_owners',
        templateCheckable: false,
      },
      {
        id: 'OPS02-BP04',
        title: 'Mechanisms exist to manage responsibilities and ownership',
        slug: 'ops_ops_model_def_responsibilities_ownership',
        templateCheckable: false,
      },
      {
        id: 'OPS02-BP05',
        title: 'Mechanisms exist to request additions, changes, and exceptions',
        slug: 'ops_ops_model_req_add_chg_exception',
        templateCheckable: false,
      },
      {
        id: 'OPS02-BP06',
        title: 'Responsibilities between teams are predefined or negotiated',
        slug: 'ops_ops_model_def_neg_team_agreements',
        templateCheckable: false,
      },
    ],
  },
  {
    id: 'OPS03',
    title: 'How does your organizational culture support your business outcomes?',
    topic: 'Organizational culture',
    slug: 'organizational-culture',
    bestPractices: [
      {
        id: 'OPS03-BP01',
        title: 'Provide executive sponsorship',
        slug: 'ops_org_culture_executive_sponsor',
        templateCheckable: false,
      },
      {
        id: 'OPS03-BP02',
        title: 'Team members are empowered to take action when outcomes are at risk',
        slug: 'ops_org_culture_team_emp_take_action',
        templateCheckable: false,
      },
      {
        id: 'OPS03-BP03',
        title: 'Escalation is encouraged',
        slug: 'ops_org_culture_team_enc_escalation',
        templateCheckable: false,
      },
      {
        id: 'OPS03-BP04',
        title: 'Communications are timely, clear, and actionable',
        slug: 'ops_org_culture_effective_comms',
        templateCheckable: false,
      },
      {
        id: 'OPS03-BP05',
        title: 'Experimentation is encouraged',
        slug: 'ops_org_culture_team_enc_experiment',
        templateCheckable: false,
      },
      {
        id: 'OPS03-BP06',
        title: 'Team members are encouraged to maintain and grow their skill sets',
        slug: 'ops_org_culture_team_enc_learn',
        templateCheckable: false,
      },
      {
        id: 'OPS03-BP07',
        title: 'Resource teams appropriately',
        slug: 'ops_org_culture_team_res_appro',
        templateCheckable: false,
      },
    ],
  },
  {
    id: 'OPS04',
    title: 'How do you implement observability in your workload?',
    topic: 'Observability',
    slug: 'implement-observability',
    seedId: 'OPS 2',
    bestPractices: [
      {
        id: 'OPS04-BP01',
        title: 'Identify key performance indicators',
        slug: 'ops_observability_identify_kpis',
        templateCheckable: true,
      },
      {
        id: 'OPS04-BP02',
        title: 'Implement application telemetry',
        slug: 'ops_observability_application_telemetry',
        templateCheckable: true,
      },
      {
        id: 'OPS04-BP03',
        title: 'Implement user experience telemetry',
        slug: 'ops_observability_customer_telemetry',
        templateCheckable: true,
      },
      {
        id: 'OPS04-BP04',
        title: 'Implement dependency telemetry',
        slug: 'ops_observability_dependency_telemetry',
        templateCheckable: true,
      },
      {
        id: 'OPS04-BP05',
        title: 'Implement distributed tracing',
        slug: 'ops_observability_dist_trace',
        templateCheckable: true,
      },
    ],
  },
  {
    id: 'OPS05',
    title: 'How do you reduce defects, ease remediation, and improve flow into production?',
    topic: 'Design for operations',
    slug: 'design-for-operations',
    seedId: 'OPS 3',
    bestPractices: [
      {
        id: 'OPS05-BP01',
        title: 'Use version control',
        slug: 'ops_dev_integ_version_control',
        templateCheckable: false,
      },
      {
        id: 'OPS05-BP02',
        title: 'Test and validate changes',
        slug: 'ops_dev_integ_test_val_chg',
        templateCheckable: true,
      },
      {
        id: 'OPS05-BP03',
        title: 'Use configuration management systems',
        slug: 'ops_dev_integ_conf_mgmt_sys',
        templateCheckable: true,
      },
      {
        id: 'OPS05-BP04',
        title: 'Use build and deployment management systems',
        slug: 'ops_dev_integ_build_mgmt_sys',
        templateCheckable: true,
      },
      {
        id: 'OPS05-BP05',
        title: 'Perform patch management',
        slug: 'ops_dev_integ_patch_mgmt',
        templateCheckable: true,
      },
      {
        id: 'OPS05-BP06',
        title: 'Share design standards',
        slug: 'ops_dev_integ_share_design_stds',
        templateCheckable: false,
      },
      {
        id: 'OPS05-BP07',
        title: 'Implement practices to improve code quality',
        slug: 'ops_dev_integ_code_quality',
        templateCheckable: true,
      },
      {
        id: 'OPS05-BP08',
        title: 'Use multiple environments',
        slug: 'ops_dev_integ_multi_env',
        templateCheckable: true,
      },
      {
        id: 'OPS05-BP09',
        title: 'Make frequent, small, reversible changes',
        slug: 'ops_dev_integ_freq_sm_rev_chg',
        templateCheckable: false,
      },
      {
        id: 'OPS05-BP10',
        title: 'Fully automate integration and deployment',
        slug: 'ops_dev_integ_auto_integ_deploy',
        templateCheckable: true,
      },
    ],
  },
  {
    id: 'OPS06',
    title: 'How do you mitigate deployment risks?',
    topic: 'Mitigate deployment risks',
    slug: 'mitigate-deployment-risks',
    seedId: 'OPS 4',
    bestPractices: [
      {
        id: 'OPS06-BP01',
        title: 'Plan for unsuccessful changes',
        slug: 'ops_mit_deploy_risks_plan_for_unsucessful_changes',
        templateCheckable: true,
      },
      {
        id: 'OPS06-BP02',
        title: 'Test deployments',
        slug: 'ops_mit_deploy_risks_test_val_chg',
        templateCheckable: true,
      },
      {
        id: 'OPS06-BP03',
        title: 'Employ safe deployment strategies',
        slug: 'ops_mit_deploy_risks_deploy_mgmt_sys',
        templateCheckable: true,
      },
      {
        id: 'OPS06-BP04',
        title: 'Automate testing and rollback',
        slug: 'ops_mit_deploy_risks_auto_testing_and_rollback',
        templateCheckable: true,
      },
    ],
  },
  {
    id: 'OPS07',
    title: 'How do you know that you are ready to support a workload?',
    topic: 'Operational readiness',
    slug: 'operational-readiness',
    seedId: 'OPS 5',
    bestPractices: [
      {
        id: 'OPS07-BP01',
        title: 'Ensure personnel capability',
        slug: 'ops_ready_to_support_personnel_capability',
        templateCheckable: false,
      },
      {
        id: 'OPS07-BP02',
        title: 'Ensure a consistent review of operational readiness',
        slug: 'ops_ready_to_support_const_orr',
        templateCheckable: false,
      },
      {
        id: 'OPS07-BP03',
        title: 'Use runbooks to perform procedures',
        slug: 'ops_ready_to_support_use_runbooks',
        templateCheckable: true,
      },
      {
        id: 'OPS07-BP04',
        title: 'Use playbooks to investigate issues',
        slug: 'ops_ready_to_support_use_playbooks',
        templateCheckable: false,
      },
      {
        id: 'OPS07-BP05',
        title: 'Make informed decisions to deploy systems and changes',
        slug: 'ops_ready_to_support_informed_deploy_decisions',
        templateCheckable: false,
      },
      {
        id: 'OPS07-BP06',
        title: 'Create support plans for production workloads',
        slug: 'ops_ready_to_support_enable_support_plans',
        templateCheckable: false,
      },
    ],
  },
  {
    id: 'OPS08',
    title: 'How do you utilize workload observability in your organization?',
    topic: 'Workload observability',
    slug: 'utilizing-workload-observability',
    seedId: 'OPS 6',
    bestPractices: [
      {
        id: 'OPS08-BP01',
        title: 'Analyze workload metrics',
        slug: 'ops_workload_observability_analyze_workload_metrics',
        templateCheckable: true,
      },
      {
        id: 'OPS08-BP02',
        title: 'Analyze workload logs',
        slug: 'ops_workload_observability_analyze_workload_logs',
        templateCheckable: true,
      },
      {
        id: 'OPS08-BP03',
        title: 'Analyze workload traces',
        slug: 'ops_workload_observability_analyze_workload_traces',
        templateCheckable: true,
      },
      {
        id: 'OPS08-BP04',
        title: 'Create actionable alerts',
        slug: 'ops_workload_observability_create_alerts',
        templateCheckable: true,
      },
      {
        id: 'OPS08-BP05',
        title: 'Create dashboards',
        slug: 'ops_workload_observability_create_dashboards',
        templateCheckable: true,
      },
    ],
  },
  {
    id: 'OPS09',
    title: 'How do you understand the health of your operations?',
    topic: 'Operational health',
    slug: 'understanding-operational-health',
    seedId: 'OPS 7',
    bestPractices: [
      {
        id: 'OPS09-BP01',
        title: 'Measure operations goals and KPIs with metrics',
        slug: 'ops_operations_health_measure_ops_goals_kpis',
        templateCheckable: false,
      },
      {
        id: 'OPS09-BP02',
        title: 'Communicate status and trends to ensure visibility into operation',
        slug: 'ops_operations_health_communicate_status_trends',
        templateCheckable: false,
      },
      {
        id: 'OPS09-BP03',
        title: 'Review operations metrics and prioritize improvement',
        slug: 'ops_operations_health_review_ops_metrics_prioritize_improvement',
        templateCheckable: false,
      },
    ],
  },
  {
    id: 'OPS10',
    title: 'How do you manage workload and operations events?',
    topic: 'Event response',
    slug: 'responding-to-events',
    seedId: 'OPS 8',
    bestPractices: [
      {
        id: 'OPS10-BP01',
        title: 'Use a process for event, incident, and problem management',
        slug: 'ops_event_response_event_incident_problem_process',
        templateCheckable: true,
      },
      {
        id: 'OPS10-BP02',
        title: 'Have a process per alert',
        slug: 'ops_event_response_process_per_alert',
        templateCheckable: true,
      },
      {
        id: 'OPS10-BP03',
        title: 'Prioritize operational events based on business impact',
        slug: 'ops_event_response_prioritize_events',
        templateCheckable: true,
      },
      {
        id: 'OPS10-BP04',
        title: 'Define escalation paths',
        slug: 'ops_event_response_define_escalation_paths',
        templateCheckable: true,
      },
      {
        id: 'OPS10-BP05',
        title: 'Define a customer communication plan for service-impacting events',
        slug: 'ops_event_response_push_notify',
        templateCheckable: true,
      },
      {
        id: 'OPS10-BP06',
        title: 'Communicate status through dashboards',
        slug: 'ops_event_response_dashboards',
        templateCheckable: true,
      },
      {
        id: 'OPS10-BP07',
        title: 'Automate responses to events',
        slug: 'ops_event_response_auto_event_response',
        templateCheckable: true,
      },
    ],
  },
  {
    id: 'OPS11',
    title: 'How do you evolve operations?',
    topic: 'Evolve operations',
    slug: 'learn-share-and-improve',
    seedId: 'OPS 9',
    bestPractices: [
      {
        id: 'OPS11-BP01',
        title: 'Have a process for continuous improvement',
        slug: 'ops_evolve_ops_process_cont_imp',
        templateCheckable: false,
      },
      {
        id: 'OPS11-BP02',
        title: 'Perform post-incident analysis',
        slug: 'ops_evolve_ops_perform_rca_process',
        templateCheckable: false,
      },
      {
        id: 'OPS11-BP03',
        title: 'Implement feedback loops',
        slug: 'ops_evolve_ops_feedback_loops',
        templateCheckable: false,
      },
      {
        id: 'OPS11-BP04',
        title: 'Perform knowledge management',
        slug: 'ops_evolve_ops_knowledge_management',
        templateCheckable: false,
      },
      {
        id: 'OPS11-BP05',
        title: 'Define drivers for improvement',
        slug: 'ops_evolve_ops_drivers_for_imp',
        templateCheckable: false,
      },
      {
        id: 'OPS11-BP06',
        title: 'Validate insights',
        slug: 'ops_evolve_ops_validate_insights',
        templateCheckable: false,
      },
      {
        id: 'OPS11-BP07',
        title: 'Perform operations metrics reviews',
        slug: 'ops_evolve_ops_metrics_review',
        templateCheckable: false,
      },
      {
        id: 'OPS11-BP08',
        title: 'Document and share lessons learned',
        slug: 'ops_evolve_ops_share_lessons_learned',
        templateCheckable: false,
      },
      {
        id: 'OPS11-BP09',
        title: 'Allocate time to make improvements',
        slug: 'ops_evolve_ops_allocate_time_for_imp',
        templateCheckable: false,
      },
    ],
  },
];

/** Old seed best-practice titles (by seed question) mapped to current best-practice ids, matched on meaning, for the seed's OPS 2 (telemetry), OPS 3, OPS 4, OPS 6, OPS 8 lists. */
export const SEED_BEST_PRACTICES: readonly {
  readonly seedQuestion: string;
  readonly seedTitle: string;
  readonly current: string | null;
}[] = [
  { seedQuestion: 'OPS 2', seedTitle: 'Implement application telemetry', current: 'OPS04-BP02' },
  { seedQuestion: 'OPS 2', seedTitle: 'Implement and configure workload telemetry', current: 'OPS04-BP02' },
  { seedQuestion: 'OPS 2', seedTitle: 'Implement user activity telemetry', current: 'OPS04-BP03' },
  { seedQuestion: 'OPS 2', seedTitle: 'Implement dependency telemetry', current: 'OPS04-BP04' },
  { seedQuestion: 'OPS 2', seedTitle: 'Implement transaction traceability', current: 'OPS04-BP05' },
  { seedQuestion: 'OPS 3', seedTitle: 'Use version control', current: 'OPS05-BP01' },
  { seedQuestion: 'OPS 3', seedTitle: 'Test and validate changes', current: 'OPS05-BP02' },
  { seedQuestion: 'OPS 3', seedTitle: 'Use configuration management systems', current: 'OPS05-BP03' },
  { seedQuestion: 'OPS 3', seedTitle: 'Use build and deployment management systems', current: 'OPS05-BP04' },
  { seedQuestion: 'OPS 3', seedTitle: 'Perform patch management', current: 'OPS05-BP05' },
  { seedQuestion: 'OPS 3', seedTitle: 'Share design standards', current: 'OPS05-BP06' },
  { seedQuestion: 'OPS 3', seedTitle: 'Implement practices to improve code quality', current: 'OPS05-BP07' },
  { seedQuestion: 'OPS 3', seedTitle: 'Use multiple environments', current: 'OPS05-BP08' },
  { seedQuestion: 'OPS 3', seedTitle: 'Make frequent, small, reversible changes', current: 'OPS05-BP09' },
  { seedQuestion: 'OPS 3', seedTitle: 'Fully automate integration and deployment', current: 'OPS05-BP10' },
  { seedQuestion: 'OPS 4', seedTitle: 'Plan for unsuccessful changes', current: 'OPS06-BP01' },
  { seedQuestion: 'OPS 4', seedTitle: 'Test and validate changes', current: 'OPS06-BP02' },
  { seedQuestion: 'OPS 4', seedTitle: 'Use deployment management systems', current: 'OPS06-BP03' },
  { seedQuestion: 'OPS 4', seedTitle: 'Test using limited deployments', current: 'OPS06-BP03' },
  { seedQuestion: 'OPS 4', seedTitle: 'Deploy using parallel environments', current: 'OPS06-BP03' },
  { seedQuestion: 'OPS 4', seedTitle: 'Deploy frequent, small, reversible changes', current: 'OPS05-BP09' },
  { seedQuestion: 'OPS 4', seedTitle: 'Fully automate integration and deployment', current: 'OPS05-BP10' },
  { seedQuestion: 'OPS 4', seedTitle: 'Automate testing and rollback', current: 'OPS06-BP04' },
  { seedQuestion: 'OPS 6', seedTitle: 'Identify key performance indicators', current: 'OPS04-BP01' },
  { seedQuestion: 'OPS 6', seedTitle: 'Define workload metrics', current: 'OPS04-BP02' },
  { seedQuestion: 'OPS 6', seedTitle: 'Collect and analyze workload metrics', current: 'OPS08-BP01' },
  { seedQuestion: 'OPS 6', seedTitle: 'Establish workload metrics baselines', current: 'OPS08-BP01' },
  { seedQuestion: 'OPS 6', seedTitle: 'Learn expected patterns of activity for workload', current: 'OPS08-BP01' },
  { seedQuestion: 'OPS 6', seedTitle: 'Alert when workload outcomes are at risk', current: 'OPS08-BP04' },
  { seedQuestion: 'OPS 6', seedTitle: 'Alert when workload anomalies are detected', current: 'OPS08-BP04' },
  {
    seedQuestion: 'OPS 6',
    seedTitle: 'Validate the achievement of outcomes and the effectiveness of KPIs and metrics',
    current: 'OPS08-BP05',
  },
  {
    seedQuestion: 'OPS 8',
    seedTitle: 'Use processes for event, incident, and problem management',
    current: 'OPS10-BP01',
  },
  { seedQuestion: 'OPS 8', seedTitle: 'Use a process for root cause analysis', current: 'OPS11-BP02' },
  { seedQuestion: 'OPS 8', seedTitle: 'Have a process per alert', current: 'OPS10-BP02' },
  { seedQuestion: 'OPS 8', seedTitle: 'Prioritize operational events based on business impact', current: 'OPS10-BP03' },
  { seedQuestion: 'OPS 8', seedTitle: 'Define escalation paths', current: 'OPS10-BP04' },
  { seedQuestion: 'OPS 8', seedTitle: 'Enable push notifications', current: 'OPS10-BP05' },
  { seedQuestion: 'OPS 8', seedTitle: 'Communicate status through dashboards', current: 'OPS10-BP06' },
  { seedQuestion: 'OPS 8', seedTitle: 'Automate responses to events', current: 'OPS10-BP07' },
];
