// The Alertmanager configuration rendered from routing.ts. Tests render the same tree with every receiver
// replaced by a local webhook and shorter timings; the routes and inhibitions are the production ones.
import { INHIBITIONS, RECEIVERS, ROOT, ROUTES, type Matcher, type ReceiverDef, type RouteDef, type Timings } from './routing';

export interface AlertmanagerOptions {
  /** Replaces a receiver's notifier configs (tests: a webhook on 127.0.0.1). */
  receiverConfig?: (r: ReceiverDef) => Record<string, unknown>;
  /** Replaces every route's timings (tests: seconds instead of minutes). */
  timings?: Timings;
}

export const matcherText = ([name, op, value]: Matcher): string => `${name}${op}${JSON.stringify(value)}`;

function timingFields(t: Timings): Record<string, string> {
  return { group_wait: t.groupWait, group_interval: t.groupInterval, repeat_interval: t.repeatInterval };
}

/** Production notifier configs: secrets by file only. */
export function productionReceiverConfig(r: ReceiverDef): Record<string, unknown> {
  switch (r.kind) {
    case 'pagerduty':
      return {
        pagerduty_configs: [
          {
            routing_key_file: r.secretFile,
            severity: '{{ .CommonLabels.severity }}',
            description: '{{ .CommonAnnotations.summary }}',
            send_resolved: true,
          },
        ],
      };
    case 'opsgenie':
      return {
        opsgenie_configs: [{ api_key_file: r.secretFile, message: '{{ .CommonAnnotations.summary }}', priority: 'P1', send_resolved: true }],
      };
    case 'webhook':
      return {
        webhook_configs: [
          { url: r.url, send_resolved: true, http_config: { authorization: { type: 'Bearer', credentials_file: r.secretFile } } },
        ],
      };
  }
}

function route(r: RouteDef, timings: Timings | undefined): Record<string, unknown> {
  return {
    receiver: r.receiver,
    ...(r.matchers.length ? { matchers: r.matchers.map(matcherText) } : {}),
    group_by: [...r.groupBy],
    ...timingFields(timings ?? r.timings),
  };
}

export function alertmanagerConfig(opts: AlertmanagerOptions = {}): Record<string, unknown> {
  const receiverConfig = opts.receiverConfig ?? productionReceiverConfig;
  return {
    route: { ...route(ROOT, opts.timings), routes: ROUTES.map((r) => route(r, opts.timings)) },
    inhibit_rules: INHIBITIONS.map((i) => ({
      source_matchers: i.source.map(matcherText),
      target_matchers: i.target.map(matcherText),
      equal: [...i.equal],
    })),
    receivers: RECEIVERS.map((r) => ({ name: r.name, ...receiverConfig(r) })),
  };
}
