// What every verb gets: the machine (root-prefixed), the journal's event sink, and its settings.
import type { HelperRunner } from "./runner.js";
import type { Clock, System } from "./system.js";
import type { Emit } from "./journal.js";

/**
 * Extracts atlantic from a kernel tree or tarball, patches it and writes dkms.conf, all inside
 * `staging` (a host path the caller journaled; created by the callee). Returns the package folder
 * inside it (driver/helper/dkms-source.ts stageDkmsSource).
 */
export type PrepareDkmsSource = (opts: {
  source: string;
  kernelRelease: string;
  staging: string;
  tenboltVersion: string;
  runner: HelperRunner;
}) => Promise<{ name: string; version: string; dir: string }>;

export interface HelperDeps {
  /** Prefix for every path the helper touches. Production hardcodes "/". */
  root: string;
  runner: HelperRunner;
  clock: Clock;
  prepareDkmsSource: PrepareDkmsSource;
  /** Receives one JSON line (with its newline) per event. */
  out: (line: string) => void;
  /** Bound on waiting for carrier after a link flap (default 20 s). */
  carrierTimeoutMs?: number;
  /** Whether the helper's stdin is a terminal (mokutil asks for its password there). */
  interactive?: boolean;
}

export interface VerbContext {
  sys: System;
  emit: Emit;
  deps: HelperDeps;
  carrierTimeoutMs: number;
}

/** A failure the user can act on: one line, an optional hint, and a machine-readable code. */
export class HelperError extends Error {
  constructor(
    message: string,
    readonly code = "failed",
    readonly hint?: string,
  ) {
    super(message);
    this.name = "HelperError";
  }
}
