// Exit codes scripts can rely on, and the one error type the CLI turns into a one-line message.

export const EXIT = {
  ok: 0,
  /** A bug: the message still fits on one line; UPSTREAM_DOCTOR_DEBUG=1 prints the stack. */
  internal: 1,
  /** Wrong flags or values. */
  usage: 2,
  /** A file is missing, unreadable, or the nginx config does not parse. */
  input: 3,
  /** The files were read but hold nothing to diagnose: empty, or no line matched the log format. */
  noData: 4,
} as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
