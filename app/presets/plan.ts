// plan(preset, snapshot) -> what would change: parameters, ring size, files (before/after contents),
// RX buffer memory before and after, whether the link flaps, and the helper call that does it.
// Pure: it mirrors the helper's converge logic (driver/helper/verb-preset.ts) and uses the helper's
// own file texts, so the diff shown is the diff applied.
import { modprobeConfText, udevRuleText } from "../../driver/helper/verb-preset.js";
import { PATHS } from "../../driver/helper/paths.js";
import { HELPER_PATH } from "../elevation/paths.js";
import { formatMiB, rxMemory, type RxMemory } from "./memory.js";
import type { Preset, PresetName } from "./catalog.js";
import type { LinkSnapshot } from "./snapshot.js";

export interface ParamChange {
  parameter: string;
  before: string;
  after: string;
}

export interface FileChange {
  path: string;
  /** null: the file does not exist (before) or will be removed (after). */
  before: string | null;
  after: string | null;
}

export interface Plan {
  kind: "apply" | "revert";
  preset: PresetName | null;
  iface: string;
  changes: ParamChange[];
  files: FileChange[];
  memory: { before: RxMemory; after: RxMemory };
  /** The interface goes down and up (a second or two without network). */
  flapsLink: boolean;
  /** Why it cannot be applied as things are (e.g. the patched driver is not loaded), or null. */
  blocker: string | null;
  /** Arguments for the root helper. */
  helperArgs: string[];
  /** Every command and write the helper will perform, in order (for --dry-run). */
  steps: string[];
  noop: boolean;
}

interface Target {
  rxPageOrder: number;
  rxRing: number;
  modprobeConf: string | null;
  udevRule: string | null;
}

function build(
  kind: Plan["kind"],
  preset: PresetName | null,
  s: LinkSnapshot,
  t: Target,
  blocker: string | null,
  helperArgs: string[],
): Plan {
  const changes: ParamChange[] = [];
  const orderChanges = s.patched && t.rxPageOrder !== s.rxPageOrder;
  const ring = Math.min(t.rxRing, s.rxRingMax);
  if (orderChanges)
    changes.push({ parameter: "rxpageorder", before: String(s.rxPageOrder), after: String(t.rxPageOrder) });
  if (ring !== s.rxRing)
    changes.push({ parameter: "RX ring (descriptors)", before: String(s.rxRing), after: String(ring) });
  const files: FileChange[] = [];
  if (t.modprobeConf !== s.modprobeConf)
    files.push({ path: PATHS.modprobeConf, before: s.modprobeConf, after: t.modprobeConf });
  if (t.udevRule !== s.udevRule) files.push({ path: PATHS.udevRule, before: s.udevRule, after: t.udevRule });

  const steps: string[] = [];
  for (const f of files)
    steps.push(
      f.after === null ? `remove ${f.path}` : `write ${f.path} (atomically, old bytes kept in the journal)`,
    );
  if (orderChanges) steps.push(`write ${t.rxPageOrder} to ${PATHS.rxPageOrderParam}`);
  const flapsLink = ring !== s.rxRing || orderChanges;
  if (ring !== s.rxRing) steps.push(`${s.ethtoolPath} -G ${s.iface} rx ${ring}   (reopens ${s.iface})`);
  else if (orderChanges) steps.push(`ip link set dev ${s.iface} down; ip link set dev ${s.iface} up`);
  if (flapsLink && s.carrier)
    steps.push(`wait up to 20 s for carrier on ${s.iface}, else roll everything back`);
  steps.push(`read back rxpageorder, ${s.ethtoolPath} -g ${s.iface} and carrier; record in ${PATHS.state}`);

  const effectiveOrder = s.patched ? t.rxPageOrder : s.rxPageOrder;
  return {
    kind,
    preset,
    iface: s.iface,
    changes,
    files,
    memory: {
      before: rxMemory(s.rxPageOrder, s.rxRing, s.layout),
      after: rxMemory(effectiveOrder, ring, s.layout),
    },
    flapsLink,
    blocker,
    helperArgs,
    steps,
    noop: changes.length === 0 && files.length === 0,
  };
}

export function plan(preset: Preset, s: LinkSnapshot): Plan {
  const stock = preset.name === "stock";
  const blocker =
    preset.needsPatchedDriver && !s.patched
      ? s.moduleLoaded
        ? "the loaded atlantic is the stock driver (no rxpageorder parameter): run `tenbolt driver install` first"
        : "atlantic is not loaded (adapter unplugged?)"
      : null;
  return build(
    "apply",
    preset.name,
    s,
    {
      rxPageOrder: preset.rxPageOrder,
      rxRing: preset.rxRing,
      modprobeConf: stock ? null : modprobeConfText(preset.name, preset.rxPageOrder),
      udevRule: stock ? null : udevRuleText(preset.name, preset.rxRing, s.ethtoolPath),
    },
    blocker,
    ["apply-preset", preset.name, "--iface", s.iface],
  );
}

const decode = (c: string | null) => (c === null ? null : Buffer.from(c, "base64").toString("utf8"));

/** Undoing the recorded preset: back to what the helper saw before the first one. */
export function revertPlan(s: LinkSnapshot): Plan {
  const applied = s.helperState?.presets?.[s.iface];
  const args = ["revert-preset", "--iface", s.iface];
  if (!applied)
    return build(
      "revert",
      null,
      s,
      { rxPageOrder: s.rxPageOrder, rxRing: s.rxRing, modprobeConf: s.modprobeConf, udevRule: s.udevRule },
      null,
      args,
    );
  const b = applied.before;
  return build(
    "revert",
    applied.name,
    s,
    {
      rxPageOrder: b.rxPageOrder ?? 0,
      rxRing: b.rxRing ?? s.rxRing,
      modprobeConf: decode(b.modprobeConf.content),
      udevRule: decode(b.udevRule.content),
    },
    null,
    args,
  );
}

function fileDiff(f: FileChange): string[] {
  const lines = [
    `--- ${f.path}${f.before === null ? " (absent)" : ""}`,
    `+++ ${f.path}${f.after === null ? " (removed)" : ""}`,
  ];
  for (const l of (f.before ?? "").split("\n").filter(Boolean)) lines.push(`- ${l}`);
  for (const l of (f.after ?? "").split("\n").filter(Boolean)) lines.push(`+ ${l}`);
  return lines;
}

/** The plan as the CLI shows it before asking for confirmation. */
export function renderPlan(p: Plan): string {
  const out: string[] = [];
  const title =
    p.kind === "apply"
      ? `Preset ${p.preset} on ${p.iface}`
      : `Revert ${p.preset ?? "(nothing recorded)"} on ${p.iface}`;
  out.push(title);
  if (p.noop) out.push("  nothing to change");
  for (const c of p.changes) out.push(`  ${c.parameter}: ${c.before} -> ${c.after}`);
  const m = p.memory;
  out.push(
    `  RX buffer memory: ${formatMiB(m.before.totalBytes)} -> ${formatMiB(m.after.totalBytes)} ` +
      `(${m.after.rings} rings x ${formatMiB(m.after.bytesPerRing)})`,
  );
  if (p.flapsLink) out.push(`  ${p.iface} goes down and up once (a few seconds without network)`);
  for (const f of p.files) out.push(...fileDiff(f).map((l) => `  ${l}`));
  if (p.blocker) out.push(`  cannot apply: ${p.blocker}`);
  return out.join("\n") + "\n";
}

/** `--dry-run`: the helper call and every step it would take. */
export function renderDryRun(p: Plan): string {
  return (
    [`pkexec ${HELPER_PATH} ${p.helperArgs.join(" ")}`, ...p.steps.map((s) => `  ${s}`)].join("\n") + "\n"
  );
}
