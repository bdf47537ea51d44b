// On-call routing, written once: who gets which alert (by `severity` and `team`), how alerts are grouped,
// and which pages silence others. Rendered as the Alertmanager config and as Grafana contact points and
// notification policies. Secrets are never here: Alertmanager reads them from files, Grafana from
// environment variables.
import { ALERTS, type Severity, type Team } from './rules';

export type Matcher = readonly [name: string, op: '=' | '!=' | '=~', value: string];

export type ReceiverKind = 'pagerduty' | 'opsgenie' | 'webhook';

export interface ReceiverDef {
  name: string;
  kind: ReceiverKind;
  /** Alertmanager reads the key or token from this file at send time. */
  secretFile: string;
  /** Grafana provisioning substitutes this environment variable. */
  secretEnv: string;
  /** Webhooks: where Alertmanager posts (a ticket bridge beside it) and the variable Grafana reads it from. */
  url?: string;
  urlEnv?: string;
}

export interface Timings {
  groupWait: string;
  groupInterval: string;
  repeatInterval: string;
}

export interface RouteDef {
  receiver: string;
  matchers: readonly Matcher[];
  groupBy: readonly string[];
  timings: Timings;
}

export interface InhibitDef {
  source: readonly Matcher[];
  target: readonly Matcher[];
  equal: readonly string[];
}

const SECRETS_DIR = '/etc/prometheus/secrets';
const TICKET_BRIDGE = 'http://127.0.0.1:9099/tickets';

export const RECEIVERS: readonly ReceiverDef[] = [
  {
    name: 'oncall-pager-backend',
    kind: 'pagerduty',
    secretFile: `${SECRETS_DIR}/pagerduty-backend.key`,
    secretEnv: 'UPSTREAM_DOCTOR_PAGERDUTY_BACKEND_KEY',
  },
  {
    name: 'oncall-pager-edge',
    kind: 'opsgenie',
    secretFile: `${SECRETS_DIR}/opsgenie-edge.key`,
    secretEnv: 'UPSTREAM_DOCTOR_OPSGENIE_EDGE_KEY',
  },
  {
    name: 'tickets-backend',
    kind: 'webhook',
    secretFile: `${SECRETS_DIR}/tickets.token`,
    secretEnv: 'UPSTREAM_DOCTOR_TICKETS_TOKEN',
    url: `${TICKET_BRIDGE}/backend`,
    urlEnv: 'UPSTREAM_DOCTOR_TICKETS_BACKEND_URL',
  },
  {
    name: 'tickets-edge',
    kind: 'webhook',
    secretFile: `${SECRETS_DIR}/tickets.token`,
    secretEnv: 'UPSTREAM_DOCTOR_TICKETS_TOKEN',
    url: `${TICKET_BRIDGE}/edge`,
    urlEnv: 'UPSTREAM_DOCTOR_TICKETS_EDGE_URL',
  },
];

const PAGE_TIMINGS: Timings = { groupWait: '10s', groupInterval: '1m', repeatInterval: '1h' };
const TICKET_TIMINGS: Timings = { groupWait: '1m', groupInterval: '10m', repeatInterval: '24h' };
const PER_UPSTREAM = ['cluster', 'host', 'upstream'] as const;

const sev = (s: Severity): Matcher => ['severity', '=', s];
const team = (t: Team): Matcher => ['team', '=', t];

/** The root: whatever no child takes (warnings of the edge team, alerts without labels) becomes an edge ticket. */
export const ROOT: RouteDef = {
  receiver: 'tickets-edge',
  matchers: [],
  groupBy: ['alertname', ...PER_UPSTREAM],
  timings: TICKET_TIMINGS,
};

/** First match wins. A critical alert always pages someone: without a known team it pages the edge on-call. */
export const ROUTES: readonly RouteDef[] = [
  { receiver: 'oncall-pager-backend', matchers: [sev('critical'), team('backend')], groupBy: PER_UPSTREAM, timings: PAGE_TIMINGS },
  { receiver: 'oncall-pager-edge', matchers: [sev('critical')], groupBy: PER_UPSTREAM, timings: PAGE_TIMINGS },
  { receiver: 'tickets-backend', matchers: [sev('warning'), team('backend')], groupBy: ['alertname', ...PER_UPSTREAM], timings: TICKET_TIMINGS },
];

/** An alert name from rules.ts; throws if the rule was renamed so routing cannot silently stop matching. */
export function alertName(name: string): string {
  if (!ALERTS.some((a) => a.name === name)) throw new Error(`routing refers to unknown alert ${name}`);
  return name;
}

export const INHIBITIONS: readonly InhibitDef[] = [
  {
    // The backend is down or restarting: its 502s are a symptom; the backend page says what to do.
    source: [['alertname', '=~', [alertName('UpstreamBackendDown'), alertName('UpstreamBackendRestarted')].join('|')]],
    target: [['alertname', '=', alertName('UpstreamHigh502Rate')]],
    equal: PER_UPSTREAM,
  },
  {
    // Kernel events carry no upstream: an OOM kill on a host silences the 502-rate pages of that host.
    source: [['alertname', '=', alertName('BackendOOMKilled')]],
    target: [['alertname', '=', alertName('UpstreamHigh502Rate')]],
    equal: ['cluster', 'host'],
  },
];

export function receiver(name: string): ReceiverDef {
  const r = RECEIVERS.find((x) => x.name === name);
  if (!r) throw new Error(`unknown receiver ${name}`);
  return r;
}

/**
 * The receiver an alert with these labels reaches (first matching child, else the root), for the docs'
 * table; the amtool tests check it against Alertmanager's own answer.
 */
export function receiverFor(labels: Record<string, string>): string {
  const matches = ([k, op, v]: Matcher) => {
    const have = labels[k] ?? '';
    if (op === '=') return have === v;
    if (op === '!=') return have !== v;
    return new RegExp(`^(?:${v})$`).test(have);
  };
  return (ROUTES.find((r) => r.matchers.every(matches)) ?? ROOT).receiver;
}
