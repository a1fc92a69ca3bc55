// apply-preset and revert-preset: the RX page order (modprobe.d for boots, the module parameter
// for now) and the RX ring size (ethtool -G now, a udev rule for later boots), applied with a link
// flap, a bounded wait for carrier, a read-back, and a rollback when any of it fails.
import { writeFileSync } from "node:fs";
import { HelperError, type VerbContext } from "./context.js";
import { atomicWrite, fileMode, readIfExists, removeFile } from "./fsutil.js";
import type { Journal } from "./journal.js";
import { PATHS } from "./paths.js";
import { HELPER_PRESETS, type PresetName } from "./presets.js";
import { readState, stateText, type FileBefore, type HelperState } from "./state.js";
import type { System } from "./system.js";

/** The wanted end state of one interface. A null order or ring means "leave as is"; null content means "absent". */
interface Target {
  rxPageOrder: number | null;
  rxRing: number | null;
  modprobeConf: { content: Buffer; mode: number } | null;
  udevRule: { content: Buffer; mode: number } | null;
}

export function modprobeConfText(preset: PresetName, order: number): string {
  return (
    `# Written by tenbolt-helper for preset ${preset}; \`tenbolt preset revert\` restores the previous state.\n` +
    `# RX page order of the patched atlantic (0..3): larger pages mean fewer IOMMU map/unmap calls.\n` +
    `options atlantic rxpageorder=${order}\n`
  );
}

/** ethtool ring sizes do not survive a reboot or a replug: re-apply the RX ring when an atlantic interface appears. */
export function udevRuleText(preset: PresetName, rx: number, ethtool: string): string {
  return (
    `# Written by tenbolt-helper for preset ${preset}; \`tenbolt preset revert\` restores the previous state.\n` +
    `ACTION=="add", SUBSYSTEM=="net", DRIVERS=="atlantic", RUN+="${ethtool} -G $name rx ${rx}"\n`
  );
}

function snapshot(sys: System, p: string): FileBefore {
  const b = readIfExists(sys.path(p));
  return {
    content: b === null ? null : b.toString("base64"),
    mode: b === null ? null : fileMode(sys.path(p)),
  };
}

function fromSnapshot(f: FileBefore): Target["modprobeConf"] {
  return f.content === null ? null : { content: Buffer.from(f.content, "base64"), mode: f.mode ?? 0o644 };
}

async function fileStep(j: Journal, sys: System, name: string, path: string, want: Target["modprobeConf"]) {
  const have = readIfExists(sys.path(path));
  if (want === null ? have === null : have !== null && have.equals(want.content)) return;
  await j.step(name, want === null ? `remove ${path}` : `write ${path}`, [j.fileUndo(path)], () => {
    if (want === null) removeFile(sys.path(path));
    else atomicWrite(sys.path(path), want.content, want.mode);
  });
}

async function needCarrier(ctx: VerbContext, iface: string): Promise<void> {
  if (!(await ctx.sys.waitForCarrier(iface, ctx.carrierTimeoutMs)))
    throw new Error(`${iface} did not get its link back within ${ctx.carrierTimeoutMs / 1000} s`);
}

/** Brings one interface to `target`, each change journaled with its undo, then reads everything back. */
async function converge(ctx: VerbContext, j: Journal, iface: string, target: Target): Promise<void> {
  const { sys } = ctx;
  const ring = await sys.rxRing(iface);
  if (ring === null)
    throw new HelperError(`cannot read the ring sizes of ${iface} (ethtool -g ${iface})`, "ethtool");
  const link = sys.link(iface);

  await fileStep(j, sys, "modprobe-conf", PATHS.modprobeConf, target.modprobeConf);
  await fileStep(j, sys, "udev-rule", PATHS.udevRule, target.udevRule);

  const order = sys.rxPageOrder();
  const orderChanges = target.rxPageOrder !== null && order !== null && order !== target.rxPageOrder;
  if (orderChanges) {
    // The patched driver reads the parameter when it allocates rings, i.e. at the next ifup or ethtool -G.
    await j.step(
      "set-rxpageorder",
      `set rxpageorder ${order} -> ${target.rxPageOrder} (takes effect when the rings are reallocated)`,
      [{ kind: "write-sysfs", path: PATHS.rxPageOrderParam, value: String(order) }],
      () => writeFileSync(sys.path(PATHS.rxPageOrderParam), `${target.rxPageOrder}\n`),
    );
  }
  const wantRing = target.rxRing === null ? ring.current : Math.min(target.rxRing, ring.max);
  if (wantRing !== ring.current) {
    await j.step(
      "set-rx-ring",
      `ethtool -G ${iface} rx ${wantRing} (was ${ring.current}; a running interface is reopened)`,
      [{ kind: "set-rx-ring", iface, rx: ring.current, hadCarrier: link.carrier }],
      async () => {
        await sys.run("ethtool", ["-G", iface, "rx", String(wantRing)]);
        if (link.carrier) await needCarrier(ctx, iface);
      },
    );
  } else if (orderChanges && link.up) {
    await j.step(
      "flap-link",
      `ip link set ${iface} down/up so the rings are reallocated at the new order`,
      [{ kind: "flap-link", iface, hadCarrier: link.carrier }],
      async () => {
        await sys.run("ip", ["link", "set", "dev", iface, "down"]);
        await sys.run("ip", ["link", "set", "dev", iface, "up"]);
        if (link.carrier) await needCarrier(ctx, iface);
      },
    );
  }
  await j.step("verify", `read back rxpageorder, ring size and carrier of ${iface}`, [], async () => {
    const now = sys.rxPageOrder();
    if (target.rxPageOrder !== null && now !== null && now !== target.rxPageOrder)
      throw new Error(`rxpageorder reads ${now}, expected ${target.rxPageOrder}`);
    const after = await sys.rxRing(iface);
    if (after === null || after.current !== wantRing)
      throw new Error(`RX ring of ${iface} reads ${after?.current ?? "nothing"}, expected ${wantRing}`);
    if (link.carrier && !sys.link(iface).carrier) throw new Error(`${iface} lost its carrier`);
  });
}

async function recordState(ctx: VerbContext, j: Journal, next: HelperState): Promise<void> {
  await j.step("record-state", `record the result in ${PATHS.state}`, [j.fileUndo(PATHS.state)], () =>
    atomicWrite(ctx.sys.path(PATHS.state), stateText(next), 0o644),
  );
}

export async function applyPreset(ctx: VerbContext, j: Journal, name: PresetName, iface: string) {
  const { sys } = ctx;
  const preset = HELPER_PRESETS[name];
  const order = sys.rxPageOrder();
  if (preset.needsPatchedDriver && order === null)
    throw new HelperError(
      `preset ${name} needs the patched atlantic, but the loaded module has no rxpageorder parameter`,
      "needs-driver",
      "run `tenbolt driver install` first",
    );
  const state = readState(sys);
  const ring = await sys.rxRing(iface);
  if (ring === null)
    throw new HelperError(`cannot read the ring sizes of ${iface} (ethtool -g ${iface})`, "ethtool");
  const before = state.presets[iface]?.before ?? {
    modprobeConf: snapshot(sys, PATHS.modprobeConf),
    udevRule: snapshot(sys, PATHS.udevRule),
    rxPageOrder: order,
    rxRing: ring.current,
  };
  const text = (s: string) => ({ content: Buffer.from(s, "utf8"), mode: 0o644 });
  // stock: Tenbolt's files go away (order 0 and default rings are what the driver does without them).
  const stock = name === "stock";
  await converge(ctx, j, iface, {
    rxPageOrder: order === null ? null : preset.rxPageOrder,
    rxRing: preset.rxRing,
    modprobeConf: stock ? null : text(modprobeConfText(name, preset.rxPageOrder)),
    udevRule: stock ? null : text(udevRuleText(name, preset.rxRing, sys.tool("ethtool"))),
  });
  await recordState(ctx, j, {
    ...state,
    presets: {
      ...state.presets,
      [iface]: {
        name,
        appliedAt: new Date(sys.clock.now()).toISOString(),
        rxPageOrder: preset.rxPageOrder,
        rxRing: preset.rxRing,
        before,
      },
    },
  });
  return {
    preset: name,
    iface,
    rxPageOrder: sys.rxPageOrder(),
    rxRing: (await sys.rxRing(iface))?.current ?? null,
  };
}

export async function revertPreset(ctx: VerbContext, j: Journal, iface: string) {
  const { sys } = ctx;
  const state = readState(sys);
  const applied = state.presets[iface];
  if (!applied) {
    j.note(`no preset recorded for ${iface}: nothing to revert`);
    return { reverted: false, iface };
  }
  const b = applied.before;
  await converge(ctx, j, iface, {
    // A stock module before: the patched one's equivalent is order 0.
    rxPageOrder: sys.rxPageOrder() === null ? null : (b.rxPageOrder ?? 0),
    rxRing: b.rxRing,
    modprobeConf: fromSnapshot(b.modprobeConf),
    udevRule: fromSnapshot(b.udevRule),
  });
  const presets = { ...state.presets };
  delete presets[iface];
  await recordState(ctx, j, { ...state, presets });
  return { reverted: true, iface, preset: applied.name };
}
