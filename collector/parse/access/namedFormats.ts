// Built-in access-log formats. The names match what nginx itself calls them where nginx has one.

/** nginx's predefined `combined` format. */
export const COMBINED =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"';

/**
 * The format Upstream Doctor recommends (and the fault lab writes): `combined` plus every upstream timing
 * the diagnosis can use, as `key=value` pairs so `grep -oP 'upstream_connect_time=\K…'` still works.
 */
export const UPSTREAM_DOCTOR_FORMAT =
  COMBINED +
  ' rt=$request_time msec=$msec' +
  ' upstream_addr="$upstream_addr" upstream_status="$upstream_status"' +
  ' upstream_connect_time="$upstream_connect_time" upstream_header_time="$upstream_header_time"' +
  ' upstream_response_time="$upstream_response_time" upstream_bytes_received="$upstream_bytes_received"';

export const BUILTIN_FORMATS: Record<string, string> = {
  combined: COMBINED,
  upstream_doctor: UPSTREAM_DOCTOR_FORMAT,
};
