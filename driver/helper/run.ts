// The helper's core: parse and check every argument, take the lock, roll back any run a crash left
// unfinished, run the verb inside a journal, and roll back on any failure. Output is JSON lines:
// {"event":"step"...}, {"event":"rollback"...}, then {"event":"done"} or {"event":"error"}.
import { parseHelperArgs, Refused, type HelperCommand } from "./args.js";
import { checkAgainstSystem } from "./checks.js";
import { HelperError, type HelperDeps, type VerbContext } from "./context.js";
import { CARRIER_TIMEOUT_MS, Journal, type Emit } from "./journal.js";
import { acquireLock } from "./lock.js";
import { System } from "./system.js";
import { installDriver, uninstallDriver } from "./verb-driver.js";
import { authorizeThunderbolt, enrollMok, status } from "./verb-misc.js";
import { applyPreset, revertPreset } from "./verb-preset.js";

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_REFUSED = 2;

async function dispatch(ctx: VerbContext, j: Journal, cmd: Exclude<HelperCommand, { verb: "status" }>) {
  switch (cmd.verb) {
    case "install-driver":
      return installDriver(ctx, j, cmd);
    case "uninstall-driver":
      return uninstallDriver(ctx, j, cmd);
    case "apply-preset":
      return applyPreset(ctx, j, cmd.preset, cmd.iface);
    case "revert-preset":
      return revertPreset(ctx, j, cmd.iface);
    case "authorize-thunderbolt":
      return authorizeThunderbolt(ctx, j, cmd.device);
    case "enroll-mok":
      return enrollMok(ctx, j);
  }
}

function errorEvent(e: unknown): Record<string, unknown> {
  if (e instanceof HelperError)
    return { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
  // Errors of the source preparation (SourceRefused, PatchDoesNotApply) carry their own hint.
  const hint = e instanceof Error ? (e as { hint?: unknown }).hint : undefined;
  if (e instanceof Error && typeof hint === "string") return { code: "failed", message: e.message, hint };
  return { code: "failed", message: e instanceof Error ? e.message : String(e) };
}

export async function runHelper(argv: readonly string[], deps: HelperDeps): Promise<number> {
  const emit: Emit = (event) => deps.out(JSON.stringify(event) + "\n");
  const sys = new System(deps.root, deps.runner, deps.clock);
  const ctx: VerbContext = { sys, emit, deps, carrierTimeoutMs: deps.carrierTimeoutMs ?? CARRIER_TIMEOUT_MS };

  let cmd: HelperCommand;
  try {
    cmd = parseHelperArgs(argv);
    checkAgainstSystem(sys, cmd);
  } catch (e) {
    if (!(e instanceof Refused)) throw e;
    emit({ event: "error", code: "refused", argument: e.argument, message: e.message });
    return EXIT_REFUSED;
  }

  if (cmd.verb === "status") {
    emit({ event: "status", ...status(ctx) });
    emit({ event: "done" });
    return EXIT_OK;
  }

  let release: () => void;
  try {
    release = acquireLock(sys);
  } catch (e) {
    emit({ event: "error", ...errorEvent(e) });
    return EXIT_FAILED;
  }
  try {
    for (const old of Journal.unfinished(sys, emit, ctx.carrierTimeoutMs)) {
      emit({ event: "recover", journal: old.path });
      await old.rollback("an earlier run stopped before it finished");
    }
    const j = Journal.begin(sys, cmd.verb, [...argv], emit, ctx.carrierTimeoutMs);
    try {
      const result = await dispatch(ctx, j, cmd);
      j.commit();
      emit({ event: "done", journal: j.path, result });
      return EXIT_OK;
    } catch (e) {
      const ev = errorEvent(e);
      j.note(`failed: ${String(ev.message)}`);
      const complete = await j.rollback(String(ev.message));
      emit({ event: "error", ...ev, rolledBack: complete, journal: j.path });
      return EXIT_FAILED;
    }
  } finally {
    release();
  }
}
