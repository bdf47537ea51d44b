// Names the Grafana artefacts share: the provisioned data source every panel and rule queries, the
// dashboards that link to each other and the alert rules that link to them.
export const DATASOURCE_UID = 'upstream-doctor-prometheus';
export const DATASOURCE_NAME = 'Upstream Doctor Prometheus';
export const DATASOURCE = { type: 'prometheus', uid: DATASOURCE_UID } as const;

export const FOLDER = 'Upstream Doctor';
export const NOC_UID = 'upstream-doctor-noc';
export const DRILLDOWN_UID = 'upstream-doctor-upstream';
/** The panel plugin built in src/ (plugin.json `id`). */
export const PANEL_PLUGIN_ID = 'upstream-doctor-panel';
/** The drill-down's flowchart panel, which Grafana alert rules link to. */
export const DRILLDOWN_DOCTOR_PANEL_ID = 10;
/** Dashboards are provisioned from here on the Grafana host (provisioning/dashboards/upstream-doctor.yaml). */
export const DASHBOARDS_PATH = '/var/lib/grafana/dashboards/upstream-doctor';
