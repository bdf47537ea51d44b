// The shape of an nginx `log_format`: the string split into literals and variables the way nginx reads
// `$name` and `${name}`, and what each variable contributes to an AccessRecord (its role). Shared by the
// compiled text parser and the JSON-lines parser.

/** What a variable contributes to an AccessRecord. */
export enum Role {
  Skip = 0,
  Msec,
  TimeIso,
  TimeLocal,
  Status,
  BodyBytes,
  BytesSent,
  RequestTime,
  Request,
  Method,
  Uri,
  UpAddr,
  UpStatus,
  UpConnect,
  UpHeader,
  UpResponse,
  UpBytes,
  RemoteAddr,
}
export const ROLE_COUNT = 18;

/** The bit of a role in AccessRecord.logged. */
export function loggedBit(role: Role): number {
  return 1 << role;
}

/** Every role logged: what a record made by hand in a test (or the lab's own format) can tell. */
export const ALL_LOGGED = (1 << ROLE_COUNT) - 2;

/** The bits of the roles a format fills (what its lines can tell). */
export function loggedMask(roles: readonly Role[]): number {
  let m = 0;
  for (const r of roles) if (r !== Role.Skip) m |= loggedBit(r);
  return m;
}

const ROLE_BY_VARIABLE: Record<string, Role> = {
  msec: Role.Msec,
  time_iso8601: Role.TimeIso,
  time_local: Role.TimeLocal,
  status: Role.Status,
  body_bytes_sent: Role.BodyBytes,
  bytes_sent: Role.BytesSent,
  request_time: Role.RequestTime,
  request: Role.Request,
  request_method: Role.Method,
  request_uri: Role.Uri,
  upstream_addr: Role.UpAddr,
  upstream_status: Role.UpStatus,
  upstream_connect_time: Role.UpConnect,
  upstream_header_time: Role.UpHeader,
  upstream_response_time: Role.UpResponse,
  upstream_bytes_received: Role.UpBytes,
  remote_addr: Role.RemoteAddr,
};

/** The role of an nginx variable name (without `$`, any case); Skip for everything the record ignores. */
export function roleOf(variable: string): Role {
  return ROLE_BY_VARIABLE[variable.toLowerCase()] ?? Role.Skip;
}

/**
 * Given the variables a format logs, the role each one actually fills: the first occurrence wins, and
 * where the record has a preference (`$body_bytes_sent` over `$bytes_sent`, `$request` over method + uri)
 * the other one is skipped. All three time variables stay: `$msec` gives the time, the others the offset.
 */
export function assignRoles(variables: readonly string[]): Role[] {
  const roles = variables.map(roleOf);
  const seen = new Set<Role>();
  for (let i = 0; i < roles.length; i++) {
    if (seen.has(roles[i])) roles[i] = Role.Skip;
    else seen.add(roles[i]);
  }
  for (let i = 0; i < roles.length; i++) {
    const r = roles[i];
    if (r === Role.BytesSent && seen.has(Role.BodyBytes)) roles[i] = Role.Skip;
    if ((r === Role.Method || r === Role.Uri) && seen.has(Role.Request)) roles[i] = Role.Skip;
  }
  return roles;
}

/** A format string nginx would refuse (unclosed `${`, empty name). */
export class LogFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LogFormatError';
  }
}

export interface FormatParts {
  /** `literals.length === variables.length + 1`: literal, variable, literal, …, literal. */
  literals: string[];
  /** Variable names as written, without `$` / braces. */
  variables: string[];
}

function isNameChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** Splits a log_format string into literals and variables the way nginx reads `$name` and `${name}`. */
export function splitFormat(format: string): FormatParts {
  const literals: string[] = [];
  const variables: string[] = [];
  let lit = '';
  let i = 0;
  while (i < format.length) {
    const c = format.charCodeAt(i);
    if (c !== 36 /* $ */) {
      lit += format[i++];
      continue;
    }
    let name: string;
    if (format.charCodeAt(i + 1) === 123 /* { */) {
      const close = format.indexOf('}', i + 2);
      if (close < 0) throw new LogFormatError(`log_format: the closing "}" of the variable at offset ${i} is missing`);
      name = format.slice(i + 2, close);
      for (let k = 0; k < name.length; k++) {
        if (!isNameChar(name.charCodeAt(k))) {
          throw new LogFormatError(`log_format: invalid variable name "\${${name}}"`);
        }
      }
      if (name.length === 0) throw new LogFormatError(`log_format: empty variable name "\${}" at offset ${i}`);
      i = close + 1;
    } else {
      let j = i + 1;
      while (j < format.length && isNameChar(format.charCodeAt(j))) j++;
      if (j === i + 1) {
        // A `$` not followed by a name is text (nginx would reject the format; reading it as text is kinder).
        lit += '$';
        i++;
        continue;
      }
      name = format.slice(i + 1, j);
      i = j;
    }
    literals.push(lit);
    variables.push(name);
    lit = '';
  }
  literals.push(lit);
  return { literals, variables };
}
