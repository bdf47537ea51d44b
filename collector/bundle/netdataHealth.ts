// Netdata health.d alarms for the plugin's charts, generated: thresholds from diagnose/thresholds.ts,
// cause names, signatures and fixes from diagnose/causes.ts, chart contexts and dimension ids from
// charts.ts. They mirror the Prometheus rules: the same quantities, thresholds and severities, with
// Netdata's `lookup` standing in for PromQL ranges and `for:` (a `min` over the window: the value stayed
// past the threshold the whole time). netdata/health.d/upstream_doctor.conf is this module's output;
// regenerate it with `node build/collector/bundle/netdataHealth.js > netdata/health.d/upstream_doctor.conf`.
//
// Netdata 1.37 evaluates an alarm with a lookup only once its chart holds data that far back, so a
// `-5m` alarm stays UNINITIALIZED for a chart's first five minutes; the cause alarms read the current
// score (already a 5-minute verdict) and need no lookup.
import { CAUSES, CAUSE_IDS, type CauseId } from '../diagnose/causes';
import { NAMING_THRESHOLD } from '../diagnose/engine';
import { THRESHOLDS } from '../diagnose/thresholds';
import { GLOBAL_CHARTS, NO_UPSTREAM_FAMILY, UPSTREAM_CHARTS, chartContext, type ChartDef } from '../netdata/charts';

/** Below this many requests in the window a 502 share is noise (1 of 3 is not a 33 % outage). */
export const MIN_WINDOW_REQUESTS = 20;
/** Below this many active client connections a Writing share is noise. */
export const MIN_ACTIVE_CONNECTIONS = 10;

export interface HealthOptions {
  /** How long a rate or share must hold ("sustained"). */
  sustained: string;
  /** How long a restart or OOM kill stays raised. */
  event: string;
  /** How long stub_status may be unreachable before it warns. */
  unreachable: string;
  /** How often Netdata evaluates each alarm. */
  every: string;
}

export const HEALTH_DEFAULTS: HealthOptions = { sustained: THRESHOLDS.sustainedFor, event: '10m', unreachable: '2m', every: '10s' };

type Severity = 'warn' | 'crit';

export interface AlarmDef {
  name: string;
  chart: ChartDef;
  /** Netdata alarm class and type, for the dashboard's grouping. */
  cls: 'Errors' | 'Latency' | 'Utilization' | 'Workload';
  lookup?: string;
  calc?: string;
  units: string;
  severity: Severity;
  condition: string;
  families?: string;
  info: string;
}

/** Backend-down causes page (critical), like the Prometheus rule that groups them. */
const CRITICAL_CAUSES: readonly CauseId[] = ['backend_crash', 'oom_kill', 'upstream_unreachable'];
/** Causes that get an alarm: every failure cause; clients leaving is not the upstream's fault. */
export const ALARMED_CAUSES: readonly CauseId[] = CAUSE_IDS.filter((id) => id !== 'healthy' && id !== 'client_abort');
const FAILURE_CAUSES: readonly CauseId[] = CAUSE_IDS.filter((id) => id !== 'healthy');

function chart(kind: string): ChartDef {
  const def = [...UPSTREAM_CHARTS, ...GLOBAL_CHARTS].find((d) => d.kind === kind);
  if (!def) throw new Error(`no chart ${kind}`);
  return def;
}

const pct = (share: number) => +(share * 100).toFixed(4);
const names = (ids: readonly CauseId[]) => ids.map((id) => CAUSES[id].label).join(', ');

/**
 * The cause is the one the diagnosis names: at least the naming threshold, above every cause listed
 * before it and not below any listed after it (the engine breaks ties by vocabulary order).
 */
function causeCondition(id: CauseId): string {
  const mine = CAUSE_IDS.indexOf(id);
  const parts = [`$this >= ${NAMING_THRESHOLD}`];
  for (const other of FAILURE_CAUSES) {
    if (other === id) continue;
    parts.push(`$this ${CAUSE_IDS.indexOf(other) < mine ? '>' : '>='} $${other}`);
  }
  return parts.join(' AND ');
}

export function alarms(o: HealthOptions = HEALTH_DEFAULTS): AlarmDef[] {
  const list: AlarmDef[] = [
    {
      name: 'upstream_doctor_502_rate',
      chart: chart('rate_502'),
      cls: 'Errors',
      lookup: `min -${o.sustained} unaligned of rate_502`,
      units: '%',
      severity: 'crit',
      condition: `$this > ${pct(THRESHOLDS.rate502)} AND $window_requests >= ${MIN_WINDOW_REQUESTS}`,
      info:
        `More than ${pct(THRESHOLDS.rate502)} % of client requests to this upstream were answered 502 for ${o.sustained}. ` +
        `Likely causes: ${names(['backend_crash', 'oom_kill', 'keepalive_idle_race', 'middlebox_idle_timeout', 'keepalive_reuse_closed', 'upstream_unreachable'])}; ` +
        `the likely-cause score chart of the same upstream names the one that fits, and its alarm gives the fix. ` +
        `Restarts or OOM kills at the same time mean a crash (check dmesg and the app logs); failures only on reused connections after an idle gap mean an idle-timeout race (align the keepalive timeouts); refused connects that never recover mean nothing listens at the address.`,
    },
    {
      name: 'upstream_doctor_p95_read_timeout',
      chart: chart('upstream_time'),
      cls: 'Latency',
      lookup: `min -${o.sustained} unaligned of p95`,
      calc: '$this * 100 / $proxy_read_timeout',
      units: '%',
      severity: 'warn',
      condition: `$this > ${pct(THRESHOLDS.p95ReadTimeoutRatio)}`,
      info:
        `The P95 upstream response time has been above ${pct(THRESHOLDS.p95ReadTimeoutRatio)} % of proxy_read_timeout for ${o.sustained}: requests are about to end in 504s. ` +
        `Likely cause: ${CAUSES.upstream_timeout.label}. Fix: ${CAUSES.upstream_timeout.fix[0]} ` +
        `If only large responses are slow while the header arrives fast, suspect a path-MTU black hole instead.`,
    },
    {
      name: 'upstream_doctor_resets',
      chart: chart('error_log'),
      cls: 'Errors',
      lookup: `average -${o.sustained} unaligned of reset_by_peer`,
      units: 'events/s',
      severity: 'warn',
      condition: `$this > ${THRESHOLDS.resetsPerSecond}`,
      families: `!${NO_UPSTREAM_FAMILY} *`,
      info:
        `nginx logged more than ${THRESHOLDS.resetsPerSecond} upstream resets (recv() failed, 104: Connection reset by peer) per second over ${o.sustained}. ` +
        `Likely causes: ${names(['keepalive_idle_race', 'middlebox_idle_timeout', 'keepalive_reuse_closed', 'backend_crash'])}. ` +
        `Fix: ${CAUSES.keepalive_idle_race.fix[0]}`,
    },
    {
      name: 'upstream_doctor_backend_restarted',
      chart: chart('upstream_events'),
      cls: 'Errors',
      lookup: `max -${o.event} unaligned of restarts`,
      units: 'restarts/s',
      severity: 'crit',
      condition: '$this > 0',
      info:
        `The backend refused connections and then answered again within ${o.event}: it crashed or was restarted while nginx sent it traffic. ` +
        `Likely causes: ${names(['backend_crash', 'oom_kill'])}. Fix: ${CAUSES.backend_crash.fix[0]} ${CAUSES.oom_kill.fix[0]}`,
    },
    {
      name: 'upstream_doctor_oom_killed',
      chart: chart('kernel_events'),
      cls: 'Errors',
      lookup: `max -${o.event} unaligned of oom_kill`,
      units: 'kills/s',
      severity: 'crit',
      condition: '$this > 0',
      info:
        `The kernel log reports an OOM kill within ${o.event}; if a backend was killed, the requests it held were reset. ` +
        `Likely cause: ${CAUSES.oom_kill.label}. Fix: ${CAUSES.oom_kill.fix[0]} ${CAUSES.oom_kill.fix[1]}`,
    },
    {
      name: 'upstream_doctor_writing_share',
      chart: chart('nginx_writing_share'),
      cls: 'Utilization',
      lookup: `min -${o.sustained} unaligned of writing`,
      units: '%',
      severity: 'warn',
      condition: `$this > ${pct(THRESHOLDS.writingShare)} AND $active >= ${MIN_ACTIVE_CONNECTIONS}`,
      info:
        `More than ${pct(THRESHOLDS.writingShare)} % of active nginx connections have been Writing for ${o.sustained}: requests wait on slow upstreams and workers fill up. ` +
        `Likely cause: ${CAUSES.upstream_timeout.label}. Fix: ${CAUSES.upstream_timeout.fix[0]}`,
    },
    {
      name: 'upstream_doctor_stub_status_down',
      chart: chart('nginx_writing_share'),
      cls: 'Workload',
      lookup: `max -${o.unreachable} unaligned of stub_status_up`,
      units: 'up',
      severity: 'warn',
      condition: '$this < 1',
      info:
        `The plugin has not read nginx stub_status for ${o.unreachable}: the Writing share is unknown, and nginx itself may be down. ` +
        `Fix: check that nginx runs and that the stub_status location in upstream_doctor.conf answers from this host.`,
    },
  ];
  for (const id of ALARMED_CAUSES) {
    const c = CAUSES[id];
    list.push({
      name: `upstream_doctor_cause_${id}`,
      chart: chart('cause_score'),
      cls: 'Errors',
      calc: `$${id}`,
      units: 'score',
      severity: CRITICAL_CAUSES.includes(id) ? 'crit' : 'warn',
      condition: causeCondition(id),
      info: `Likely cause: ${c.label}. ${c.signature} Fix: ${c.fix[0]}`,
    });
  }
  return list;
}

/**
 * Text for an `info:` line. Netdata 1.37 turns both quote characters into spaces, so apostrophes become
 * ’ and double quotes typographic pairs; whitespace runs collapse to keep it on one line.
 */
export function infoText(s: string): string {
  let open = true;
  return s
    .replace(/'/g, '\u2019')
    .replace(/"/g, () => ((open = !open) ? '\u201d' : '\u201c'))
    .replace(/\s+/g, ' ')
    .trim();
}

function render(a: AlarmDef, o: HealthOptions): string {
  const rows: Array<[string, string | undefined]> = [
    ['template', a.name],
    ['on', chartContext(a.chart)],
    ['class', a.cls],
    ['type', 'Web Server'],
    ['component', a.chart.scope === 'upstream' ? 'nginx upstream' : 'nginx'],
    ['families', a.families],
    ['lookup', a.lookup],
    ['calc', a.calc],
    ['units', a.units],
    ['every', o.every],
    [a.severity, a.condition],
    ['delay', 'down 5m multiplier 1.5 max 1h'],
    ['info', infoText(a.info)],
    ['to', 'webmaster'],
  ];
  return rows
    .filter((r): r is [string, string] => r[1] !== undefined)
    .map(([k, v]) => `${k.padStart(9)}: ${v}`)
    .join('\n');
}

export function healthConfig(o: HealthOptions = HEALTH_DEFAULTS): string {
  const head = [
    '# Upstream Doctor alarms for Netdata (health.d). Generated from collector/bundle/netdataHealth.ts:',
    '# thresholds from collector/diagnose/thresholds.ts, causes and fixes from collector/diagnose/causes.ts.',
    '# Do not edit here; change the sources and run',
    '#   node build/collector/bundle/netdataHealth.js > netdata/health.d/upstream_doctor.conf',
    '# Install as /etc/netdata/health.d/upstream_doctor.conf (see README.md, Netdata).',
  ].join('\n');
  return `${head}\n\n${alarms(o)
    .map((a) => render(a, o))
    .join('\n\n')}\n`;
}

if (require.main === module) process.stdout.write(healthConfig());
