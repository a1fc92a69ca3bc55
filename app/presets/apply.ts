// Applying and reverting a preset from the user's side: read the interface, show the plan, confirm,
// run the root helper (which journals, flaps, waits for carrier and rolls back), then verify by
// reading back rxpageorder, the ring size and carrier ourselves, and record the result.
import type { Runner } from "../system/runner.js";
import { UserError } from "../errors.js";
import type { HelperEvent } from "../elevation/helper-client.js";
import { PRESETS, type PresetName } from "./catalog.js";
import { plan, renderDryRun, renderPlan, revertPlan, type Plan } from "./plan.js";
import { readLinkSnapshot, type LinkSnapshot } from "./snapshot.js";
import { recordUserState } from "./user-state.js";

export interface PresetFlowDeps {
  root: string;
  runner: Runner;
  /** Runs the root helper with these arguments (pkexec in production), relaying its events. */
  helper: (args: string[], onEvent: (e: HelperEvent) => void) => Promise<HelperEvent>;
  confirm: (question: string) => Promise<boolean>;
  out: (text: string) => void;
  dataDir: string;
  now?: () => Date;
}

export interface FlowOptions {
  dryRun?: boolean;
  yes?: boolean;
}

export interface FlowOutcome {
  plan: Plan;
  done: boolean;
  after?: LinkSnapshot;
}

/** One line per helper event, for the terminal. */
export function formatEvent(e: HelperEvent): string | null {
  if (e.event === "step" && e.status === "start") return `  ... ${String(e.description ?? e.step)}`;
  if (e.event === "step" && e.status === "failed") return `  failed: ${String(e.message ?? e.step)}`;
  if (e.event === "rollback") return `  undo ${String(e.step)}: ${String(e.status)}`;
  if (e.event === "recover") return `  rolling back an unfinished earlier run (${String(e.journal)})`;
  if (e.event === "text") return `  ${String(e.text)}`;
  return null;
}

/** Reads back what the kernel reports and compares it with what the plan promised. */
export function verifyAgainst(p: Plan, after: LinkSnapshot, hadCarrier: boolean): string[] {
  const problems: string[] = [];
  const want = (name: string) => p.changes.find((c) => c.parameter === name)?.after;
  const order = want("rxpageorder");
  if (order !== undefined && String(after.rxPageOrder) !== order)
    problems.push(
      `/sys/module/atlantic/parameters/rxpageorder reads ${after.rxPageOrder}, expected ${order}`,
    );
  const ring = want("RX ring (descriptors)");
  if (ring !== undefined && String(after.rxRing) !== ring)
    problems.push(`ethtool -g reports RX ${after.rxRing}, expected ${ring}`);
  if (hadCarrier && !after.carrier) problems.push(`${after.iface} has no carrier`);
  return problems;
}

async function run(
  p: Plan,
  before: LinkSnapshot,
  opts: FlowOptions,
  deps: PresetFlowDeps,
): Promise<FlowOutcome> {
  deps.out(renderPlan(p));
  if (p.blocker) throw new UserError(`cannot apply ${p.preset}: ${p.blocker}`);
  if (opts.dryRun) {
    deps.out("dry run, nothing changed; the helper would run:\n" + renderDryRun(p));
    return { plan: p, done: false };
  }
  if (p.noop) {
    deps.out("already in effect: nothing to do\n");
    return { plan: p, done: false };
  }
  if (
    !opts.yes &&
    !(await deps.confirm(p.kind === "apply" ? "Apply these changes?" : "Revert these changes?"))
  )
    throw new UserError("not confirmed: nothing was changed", "pass --yes to skip the question");
  await deps.helper(p.helperArgs, (e) => {
    const line = formatEvent(e);
    if (line) deps.out(line + "\n");
  });
  const after = await readLinkSnapshot(deps.root, deps.runner, p.iface);
  const problems = verifyAgainst(p, after, before.carrier);
  if (problems.length > 0)
    throw new UserError(
      `the helper reported success but ${problems.join("; ")}`,
      "run `tenbolt preset revert` and report this",
    );
  return { plan: p, done: true, after };
}

export async function applyPresetFlow(
  name: PresetName,
  iface: string,
  opts: FlowOptions,
  deps: PresetFlowDeps,
): Promise<FlowOutcome> {
  const before = await readLinkSnapshot(deps.root, deps.runner, iface);
  const outcome = await run(plan(PRESETS[name], before), before, opts, deps);
  if (outcome.done && outcome.after) {
    const a = outcome.after;
    recordUserState(deps.dataDir, iface, "apply", {
      preset: name,
      at: (deps.now?.() ?? new Date()).toISOString(),
      verified: { rxPageOrder: a.rxPageOrder, rxRing: a.rxRing, carrier: a.carrier },
    });
    deps.out(
      `applied ${name} on ${iface}: rxpageorder ${a.rxPageOrder}, RX ring ${a.rxRing}, carrier ${a.carrier ? "up" : "down"}\n`,
    );
  }
  return outcome;
}

export async function revertPresetFlow(
  iface: string,
  opts: FlowOptions,
  deps: PresetFlowDeps,
): Promise<FlowOutcome> {
  const before = await readLinkSnapshot(deps.root, deps.runner, iface);
  const p = revertPlan(before);
  if (p.preset === null) {
    deps.out(`no Tenbolt preset is recorded for ${iface}: nothing to revert\n`);
    return { plan: p, done: false };
  }
  const outcome = await run(p, before, opts, deps);
  if (outcome.done && outcome.after) {
    recordUserState(deps.dataDir, iface, "revert", null);
    deps.out(
      `reverted ${p.preset} on ${iface}: rxpageorder ${outcome.after.rxPageOrder}, RX ring ${outcome.after.rxRing}\n`,
    );
  }
  return outcome;
}
