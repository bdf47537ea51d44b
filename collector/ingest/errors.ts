// Why reading the inputs failed, in the terms a command turns into an exit code: the flags were wrong
// (`usage`), a file could not be read or the nginx config does not parse (`input`), or the files hold
// nothing to diagnose (`noData`). Ingest knows nothing of exit codes; the CLI maps these.

export type InputErrorKind = 'usage' | 'input' | 'noData';

export class InputError extends Error {
  constructor(
    readonly kind: InputErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'InputError';
  }
}
