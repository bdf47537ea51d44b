// Grafana contact points and notification policies (file provisioning, apiVersion 1) for the same routing
// tree as the Alertmanager config. Secrets come from environment variables Grafana expands when it
// provisions (`${NAME}`); the files hold only their names.
import { RECEIVERS, ROOT, ROUTES, type ReceiverDef, type RouteDef } from './routing';

const env = (name: string) => `\${${name}}`;

function settings(r: ReceiverDef): Record<string, unknown> {
  switch (r.kind) {
    case 'pagerduty':
      return { integrationKey: env(r.secretEnv), severity: 'critical', summary: '{{ .CommonAnnotations.summary }}' };
    case 'opsgenie':
      return { apiKey: env(r.secretEnv), apiUrl: 'https://api.opsgenie.com/v2/alerts', autoClose: true, message: '{{ .CommonAnnotations.summary }}' };
    case 'webhook':
      return { url: env(r.urlEnv!), httpMethod: 'POST', authorization_scheme: 'Bearer', authorization_credentials: env(r.secretEnv) };
  }
}

export function grafanaContactPoints(): Record<string, unknown> {
  return {
    apiVersion: 1,
    contactPoints: RECEIVERS.map((r) => ({
      orgId: 1,
      name: r.name,
      receivers: [{ uid: `upstream-doctor-${r.name}`, type: r.kind, settings: settings(r), disableResolveMessage: false }],
    })),
  };
}

function policy(r: RouteDef): Record<string, unknown> {
  return {
    receiver: r.receiver,
    ...(r.matchers.length ? { object_matchers: r.matchers.map((m) => [...m]) } : {}),
    group_by: [...r.groupBy],
    group_wait: r.timings.groupWait,
    group_interval: r.timings.groupInterval,
    repeat_interval: r.timings.repeatInterval,
  };
}

/** Replaces the organisation's whole policy tree when provisioned (Grafana's rule): the README's alerting section says how to merge instead. */
export function grafanaPolicies(): Record<string, unknown> {
  return { apiVersion: 1, policies: [{ orgId: 1, ...policy(ROOT), routes: ROUTES.map(policy) }] };
}
