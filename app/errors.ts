// Errors a user can act on. Anything thrown as a UserError is printed as one line (plus an
// optional hint) by every face; anything else is a bug and is reported as such, without a stack trace
// unless TENBOLT_DEBUG is set.

export class UserError extends Error {
  constructor(
    message: string,
    /** What to do about it, in one sentence. */
    readonly hint?: string,
    /** Process exit status for the CLI: 1 for failures, 2 for bad usage. */
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "UserError";
  }
}

/** A bad option, argument or value given by the user: exit status 2. */
export class UsageError extends UserError {
  constructor(message: string, hint?: string) {
    super(message, hint, 2);
    this.name = "UsageError";
  }
}

/** One line for the user, whatever was thrown. */
export function describeError(e: unknown): { message: string; hint?: string; exitCode: number } {
  if (e instanceof UserError)
    return { message: e.message, ...(e.hint ? { hint: e.hint } : {}), exitCode: e.exitCode };
  const msg = e instanceof Error ? e.message : String(e);
  return {
    message: `internal error: ${msg}`,
    hint: "this is a bug in Tenbolt; rerun with TENBOLT_DEBUG=1 and report the output",
    exitCode: 1,
  };
}
