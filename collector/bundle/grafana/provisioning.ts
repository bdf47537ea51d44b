// Grafana provisioning for the data source every panel and rule queries and for the dashboard files.
// The Prometheus URL comes from the environment (Grafana expands `${NAME}` in provisioning files).
import { DASHBOARDS_PATH, DATASOURCE_NAME, DATASOURCE_UID, FOLDER } from './ids';

export const PROMETHEUS_URL_ENV = 'UPSTREAM_DOCTOR_PROMETHEUS_URL';

export function datasourceProvisioning(): Record<string, unknown> {
  return {
    apiVersion: 1,
    datasources: [
      {
        name: DATASOURCE_NAME,
        uid: DATASOURCE_UID,
        type: 'prometheus',
        access: 'proxy',
        orgId: 1,
        url: `\${${PROMETHEUS_URL_ENV}}`,
        isDefault: false,
        editable: false,
        jsonData: { httpMethod: 'POST', timeInterval: '15s', prometheusType: 'Prometheus' },
      },
    ],
  };
}

export function dashboardProvider(): Record<string, unknown> {
  return {
    apiVersion: 1,
    providers: [
      {
        name: 'upstream-doctor',
        orgId: 1,
        folder: FOLDER,
        type: 'file',
        disableDeletion: false,
        allowUiUpdates: false,
        updateIntervalSeconds: 60,
        options: { path: DASHBOARDS_PATH, foldersFromFilesStructure: false },
      },
    ],
  };
}
