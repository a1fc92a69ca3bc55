// Talks to the root helper: `pkexec /usr/lib/tenbolt/tenbolt-helper VERB ARGS...` through the Runner
// (argv only, no shell), relaying its JSON-lines progress as it arrives. Installs the helper first
// through the one-time bootstrap when it is missing.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Runner } from "../system/runner.js";
import { UserError, UsageError } from "../errors.js";
import { classifyPkexec, elevationError } from "./failures.js";
import { HELPER_PATH, PKEXEC_CANDIDATES, POLICY_PATH } from "./paths.js";

export interface HelperEvent {
  event: string;
  [key: string]: unknown;
}

export interface Bootstrapper {
  /** Installs the helper and the polkit policy (asks for a password once). */
  install(): Promise<void>;
}

export interface HelperClientDeps {
  runner: Runner;
  /** Root of the file system to look for the installed helper in ("/"; tests use a temporary tree). */
  root?: string;
  bootstrap?: Bootstrapper;
  onEvent?: (e: HelperEvent) => void;
  /** Passed to pkexec's child when a verb needs a terminal (enroll-mok). */
  interactive?: boolean;
}

export function helperInstalled(root = "/"): boolean {
  return existsSync(join(root, HELPER_PATH)) && existsSync(join(root, POLICY_PATH));
}

/** Splits a stream into lines and parses the JSON ones; other lines are kept as text events. */
export function lineParser(onEvent: (e: HelperEvent) => void): (chunk: string) => void {
  let pending = "";
  return (chunk) => {
    pending += chunk;
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      if (!line) continue;
      try {
        const e = JSON.parse(line) as HelperEvent;
        onEvent(e && typeof e.event === "string" ? e : { event: "text", text: line });
      } catch {
        onEvent({ event: "text", text: line });
      }
    }
  };
}

/** Runs one helper verb with root rights and returns its final event; throws a UserError on failure. */
export async function callHelper(args: readonly string[], deps: HelperClientDeps): Promise<HelperEvent> {
  const root = deps.root ?? "/";
  if (!helperInstalled(root)) {
    if (!deps.bootstrap) throw elevationError("helper-missing");
    await deps.bootstrap.install();
    if (!helperInstalled(root)) throw elevationError("helper-missing");
  }
  const pkexec = PKEXEC_CANDIDATES.find((p) => existsSync(join(root, p)));
  if (!pkexec) throw elevationError("no-pkexec");
  const events: HelperEvent[] = [];
  const feed = lineParser((e) => {
    events.push(e);
    deps.onEvent?.(e);
  });
  const r = await deps.runner.run(pkexec, [HELPER_PATH, ...args], {
    timeoutMs: 30 * 60_000,
    onStdout: feed,
  });
  if (r.stdout && events.length === 0) lineParser((e) => events.push(e))(r.stdout + "\n");
  const failure = classifyPkexec(r);
  if (failure) throw elevationError(failure);
  const last = [...events].reverse().find((e) => e.event === "done" || e.event === "error");
  if (r.code === 0 && last?.event === "done") return last;
  if (last?.event === "error") {
    const message = String(last.message ?? "the helper failed");
    const rolled =
      last.rolledBack === true
        ? " (every change was rolled back)"
        : last.rolledBack === false
          ? " (ROLLBACK INCOMPLETE: see the journal)"
          : "";
    const hint =
      typeof last.hint === "string"
        ? last.hint
        : typeof last.journal === "string"
          ? `journal: ${last.journal}`
          : undefined;
    if (r.code === 2)
      throw new UsageError(`helper refused ${String(last.argument ?? "an argument")}: ${message}`, hint);
    throw new UserError(message + rolled, hint);
  }
  throw new UserError(
    `the helper ended with status ${r.code ?? r.signal} without a result`,
    r.stderr.trim().split("\n").at(-1),
  );
}
