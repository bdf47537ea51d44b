// The cause vocabulary: the one place where cause ids, their names and the fixes to try are written.
// Ids are a public contract (JSON output, metrics labels, alert annotations); labels and texts are ours.

export const CAUSE_IDS = [
  'healthy',
  'backend_crash',
  'oom_kill',
  'keepalive_idle_race',
  'middlebox_idle_timeout',
  'keepalive_reuse_closed',
  'pmtu_black_hole',
  'upstream_timeout',
  'upstream_unreachable',
  'client_abort',
] as const;

export type CauseId = (typeof CAUSE_IDS)[number];

export interface CauseInfo {
  id: CauseId;
  /** Short name for a NOC wall. */
  label: string;
  /** What it looks like, one sentence. */
  signature: string;
  /** What to do, most effective first. */
  fix: string[];
}

export const CAUSES: Record<CauseId, CauseInfo> = {
  healthy: {
    id: 'healthy',
    label: 'Healthy',
    signature: 'No upstream failure worth naming in this window.',
    fix: ['Nothing to fix. Keep logging $upstream_connect_time, $upstream_header_time and $upstream_response_time.'],
  },
  backend_crash: {
    id: 'backend_crash',
    label: 'Backend crash / restart',
    signature: 'Requests in flight are reset or cut off together, connects are refused while the backend restarts.',
    fix: [
      'Read the backend’s own logs and process uptime at the failure times: a panic, an unhandled exception or a deploy restart.',
      'Make restarts graceful: stop accepting, drain in-flight requests, then exit.',
      'Retry idempotent requests elsewhere with `proxy_next_upstream error timeout;` and a second server in the upstream; do not retry POST/PUT blindly.',
    ],
  },
  oom_kill: {
    id: 'oom_kill',
    label: 'Backend OOM-killed',
    signature: 'The kernel OOM killer ended the backend at the moment in-flight requests were reset.',
    fix: [
      'Find what grew: the backend’s memory use before each kill (`dmesg -T | grep -i "killed process"` names the process and its RSS).',
      'Raise the memory limit of the service or container, or fix the leak; cap worker memory so one worker is recycled before the kernel steps in.',
      'As a mitigation, retry idempotent requests on another server (`proxy_next_upstream error timeout;`).',
    ],
  },
  keepalive_idle_race: {
    id: 'keepalive_idle_race',
    label: 'Keepalive idle-timeout race',
    signature:
      'A pooled connection fails the moment nginx reuses it after an idle gap just under the backend’s own keepalive timeout.',
    fix: [
      'Make nginx give up idle upstream connections first: set `keepalive_timeout` in the upstream block below the backend’s keepalive timeout (or raise the backend’s).',
      'Lower `keepalive_requests` to rotate pooled connections more often if the backend also closes after N requests.',
      'Keep `proxy_next_upstream error` for idempotent requests so a lost race is retried on a fresh connection.',
    ],
  },
  middlebox_idle_timeout: {
    id: 'middlebox_idle_timeout',
    label: 'Load balancer / NAT idle timeout',
    signature:
      'Every reuse of a pooled connection idle longer than a fixed interval is reset: something between nginx and the backend forgot the flow.',
    fix: [
      'Find the load balancer, firewall or NAT between nginx and the backend and read its idle timeout (60 s and 350 s are common defaults).',
      'Set the upstream `keepalive_timeout` below that interval, or raise the device’s idle timeout above nginx’s.',
      'Enable `proxy_socket_keepalive on;` so TCP keepalive probes keep the flow alive, or disable upstream keepalive for that backend as a last resort.',
    ],
  },
  keepalive_reuse_closed: {
    id: 'keepalive_reuse_closed',
    label: 'Pool reuses closed connections',
    signature:
      'After a burst and a quiet spell, several pooled connections fail at once: the backend dropped them without nginx noticing.',
    fix: [
      'Check the backend’s connection handling: does it drop idle connections silently (restart behind NAT, connection limit, max-requests) instead of closing them?',
      'Size the pool to the steady load (`keepalive N`), and set the upstream `keepalive_timeout` below the backend’s idle limit.',
      'Use `proxy_http_version 1.1;` and `proxy_set_header Connection "";` so both sides agree on keepalive, and keep `proxy_next_upstream error` for idempotent requests.',
    ],
  },
  pmtu_black_hole: {
    id: 'pmtu_black_hole',
    label: 'Path-MTU black hole',
    signature: 'Large responses stall or reset mid-body while small responses and health checks succeed.',
    fix: [
      'Test the path MTU between nginx and the backend (`ping -M do -s 1472 <backend>`, `tracepath <backend>`).',
      'Let ICMP "fragmentation needed" through the firewalls on that path, or clamp the MSS (`iptables … --clamp-mss-to-pmtu`).',
      'Check tunnels, VPNs and overlay networks that lower the MTU on the way.',
    ],
  },
  upstream_timeout: {
    id: 'upstream_timeout',
    label: 'Backend slower than proxy_read_timeout',
    signature: 'Responses take as long as proxy_read_timeout allows: 504s, and the P95 upstream time sits near the limit.',
    fix: [
      'Find why the backend is slow (saturated workers, a slow dependency, locks); add capacity or fix the slow path.',
      'Raise `proxy_read_timeout` only for endpoints that are slow by design, not globally.',
      'Watch the Writing share of active connections: slow upstreams pile requests up in Writing.',
    ],
  },
  upstream_unreachable: {
    id: 'upstream_unreachable',
    label: 'Upstream unreachable',
    signature: 'Connections are refused or there are no live upstreams, sustained: nothing listens at the address.',
    fix: [
      'Check the backend is running and listening on the address nginx uses (`ss -ltnp`, the service status).',
      'Check the upstream block’s addresses and ports, and DNS if names are used.',
      'Add a second server so `proxy_next_upstream` has somewhere to go.',
    ],
  },
  client_abort: {
    id: 'client_abort',
    label: 'Clients went away',
    signature: 'Clients close the connection before the response (499): the upstream is not at fault.',
    fix: [
      'Compare client timeouts with backend response times: clients (or a CDN / LB in front) give up before the backend answers.',
      'Speed up the slow endpoints, or raise the client-side timeout.',
      'Set `proxy_ignore_client_abort on;` if the backend work must finish even when the client leaves.',
    ],
  },
};
