// What the plan needs to know about one interface, read without root: the loaded module's page
// order, the ring sizes and queue layout (ethtool through the Runner), Tenbolt's files, carrier.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Runner } from "../system/runner.js";
import { parseChannels, parseRingSizes } from "../../driver/helper/ethtool.js";
import { PATHS, TOOLS } from "../../driver/helper/paths.js";
import type { HelperState } from "../../driver/helper/state.js";
import type { QueueLayout } from "./memory.js";
import { UserError } from "../errors.js";

export interface LinkSnapshot {
  iface: string;
  /** The loaded atlantic has the rxpageorder parameter. */
  patched: boolean;
  moduleLoaded: boolean;
  /** In effect now: the parameter, or 0 for the stock module. */
  rxPageOrder: number;
  rxRing: number;
  rxRingMax: number;
  layout: QueueLayout;
  carrier: boolean;
  modprobeConf: string | null;
  udevRule: string | null;
  /** Absolute path of ethtool as the helper will resolve it (it goes into the udev rule). */
  ethtoolPath: string;
  /** The helper's record (/var/lib/tenbolt/state.json, world-readable), or null. */
  helperState: HelperState | null;
}

function read(root: string, p: string): string | null {
  try {
    return readFileSync(join(root, p), "utf8");
  } catch {
    return null;
  }
}

async function ethtool(runner: Runner, ethtoolPath: string, args: string[]): Promise<string | null> {
  const r = await runner.run(ethtoolPath, args, { timeoutMs: 10_000 });
  return r.code === 0 ? r.stdout : null;
}

/** Queue layout from ethtool -l (vectors), the rx-N queue directories (vectors x TCs) and ethtool -T (PTP). */
export async function readQueueLayout(
  root: string,
  runner: Runner,
  ethtoolPath: string,
  iface: string,
): Promise<QueueLayout> {
  const channels = parseChannels((await ethtool(runner, ethtoolPath, ["-l", iface])) ?? "");
  let rxQueues = 0;
  try {
    rxQueues = readdirSync(join(root, PATHS.netDir, iface, "queues")).filter((n) =>
      /^rx-\d+$/.test(n),
    ).length;
  } catch {
    rxQueues = 0;
  }
  const vecs = channels?.combinedCurrent ?? (rxQueues || 1);
  const tcs = rxQueues > vecs && rxQueues % vecs === 0 ? rxQueues / vecs : 1;
  const ts = (await ethtool(runner, ethtoolPath, ["-T", iface])) ?? "";
  const ptp = /PTP Hardware Clock:\s*\d+/.test(ts);
  return { vecs, tcs, ptp };
}

export async function readLinkSnapshot(root: string, runner: Runner, iface: string): Promise<LinkSnapshot> {
  const candidates: readonly string[] = TOOLS.ethtool;
  const ethtoolPath = candidates.find((c) => existsSync(join(root, c))) ?? (candidates[0] as string);
  if (!existsSync(join(root, PATHS.netDir, iface)))
    throw new UserError(
      `no network interface ${iface}`,
      "pass --iface with the adapter's interface (see `tenbolt detect`)",
    );
  const ring = parseRingSizes((await ethtool(runner, ethtoolPath, ["-g", iface])) ?? "");
  if (ring === null)
    throw new UserError(`cannot read the ring sizes of ${iface} with \`ethtool -g\``, "install ethtool");
  const param = read(root, PATHS.rxPageOrderParam)?.trim() ?? null;
  const stateText = read(root, PATHS.state);
  let helperState: HelperState | null = null;
  try {
    helperState = stateText ? (JSON.parse(stateText) as HelperState) : null;
  } catch {
    helperState = null;
  }
  return {
    iface,
    patched: param !== null,
    moduleLoaded: existsSync(join(root, PATHS.moduleDir)),
    rxPageOrder: param !== null && /^\d+$/.test(param) ? Number(param) : 0,
    rxRing: ring.current,
    rxRingMax: ring.max,
    layout: await readQueueLayout(root, runner, ethtoolPath, iface),
    carrier: read(root, `${PATHS.netDir}/${iface}/carrier`)?.trim() === "1",
    modprobeConf: read(root, PATHS.modprobeConf),
    udevRule: read(root, PATHS.udevRule),
    ethtoolPath,
    helperState,
  };
}
