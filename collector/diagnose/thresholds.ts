// Warning lines from the troubleshooting guides the product grew from. One place: the diagnosis rules,
// the Prometheus / Grafana alert rules and the Netdata health alarms all read them from here.

export const THRESHOLDS = {
  /** Client 502s per request: "sustained 502 rate > 1 %". */
  rate502: 0.01,
  /** How long a rate must hold before it pages: "sustained". */
  sustainedFor: '5m',
  /** P95 upstream response time as a share of proxy_read_timeout. */
  p95ReadTimeoutRatio: 0.8,
  /** Writing connections as a share of active connections (stub_status). */
  writingShare: 0.9,
  /** Upstream resets (recv() 104) per second in the error log that are worth a ticket. */
  resetsPerSecond: 0.1,
} as const;
