// `tenbolt preset list|show NAME|apply NAME|revert|explain`: thin: parse, call app/presets, print.
import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import type { RegisterCommand } from "./commands.js";
import type { CliIo } from "./io.js";
import { UsageError } from "../errors.js";
import { checkIface, Refused } from "../../driver/helper/args.js";
import { systemRunner } from "../system/runner.js";
import { PRESETS, PRESET_NAMES, presetList, type PresetName } from "../presets/catalog.js";
import { applyPresetFlow, revertPresetFlow, type PresetFlowDeps } from "../presets/apply.js";
import { renderExplain } from "../presets/explain.js";
import { bytesPerRing, formatMiB, rxMemory } from "../presets/memory.js";
import { systemHelper } from "../elevation/production.js";
import { tenboltDataDir } from "../history/paths.js";
import { detect } from "../detect/detect.js";

/** The detected atlantic adapter's interface when there is exactly one. */
export function defaultIface(root = "/"): string {
  const ifaces = detect(root)
    .adapters.filter((a) => a.driver.name === "atlantic" || a.nic.driver === "atlantic")
    .map((a) => a.nic.interface)
    .filter((i): i is string => i !== null);
  if (ifaces.length === 1) return ifaces[0] as string;
  if (ifaces.length === 0)
    throw new UsageError("no atlantic adapter with a network interface was detected", "pass --iface IF");
  throw new UsageError(`several atlantic interfaces (${ifaces.join(", ")})`, "pass --iface IF to choose one");
}

export async function terminalConfirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY)
    throw new UsageError("confirmation needed but standard input is not a terminal", "pass --yes");
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/** The same interface-name rule as the root helper, so a bad name is a usage error here already. */
function iface(given: string | undefined): string {
  if (given === undefined) return defaultIface();
  try {
    return checkIface(given);
  } catch (e) {
    if (e instanceof Refused)
      throw new UsageError(e.message, "give the interface name as `ip link` shows it");
    throw e;
  }
}

function checkName(name: string): PresetName {
  if (!(PRESET_NAMES as string[]).includes(name))
    throw new UsageError(
      `unknown preset ${JSON.stringify(name)}`,
      `known presets: ${PRESET_NAMES.join(", ")}`,
    );
  return name as PresetName;
}

function flowDeps(io: CliIo): PresetFlowDeps {
  return {
    root: "/",
    runner: systemRunner,
    helper: systemHelper(),
    confirm: terminalConfirm,
    out: (t) => io.out(t),
    dataDir: tenboltDataDir(io.env),
  };
}

function showPreset(name: PresetName): string {
  const p = PRESETS[name];
  const eight = rxMemory(p.rxPageOrder, p.rxRing, { vecs: 8, tcs: 1, ptp: false });
  return [
    `${p.title}  (${p.name})`,
    `  ${p.summary}`,
    `  sets:      rxpageorder ${p.rxPageOrder}, RX ring ${p.rxRing}${p.needsPatchedDriver ? " (needs the patched driver)" : ""}`,
    `  memory:    ${formatMiB(bytesPerRing(p.rxPageOrder, p.rxRing))} per RX ring, ${formatMiB(eight.totalBytes)} for 8 rings ` +
      "(`tenbolt preset apply --dry-run` computes it for your adapter's real queues)",
    `  effect:    ${p.expectedEffect}`,
    `  security:  ${p.securityImpact}`,
    `  revert:    ${p.revert}`,
  ].join("\n");
}

export const registerPreset: RegisterCommand = (program, io) => {
  const preset: Command = program
    .command("preset")
    .description("IOMMU-safe driver presets: list, show, apply, revert, explain");
  preset
    .command("list")
    .description("list the presets")
    .action(() => {
      for (const p of presetList())
        io.out(
          `${p.name.padEnd(24)} order ${p.rxPageOrder}, RX ring ${String(p.rxRing).padEnd(5)} ${p.recommended ? "(recommended) " : ""}${p.title}\n`,
        );
    });
  preset
    .command("show")
    .argument("<NAME>", "preset name")
    .description("what a preset sets, costs and risks")
    .action((name: string) => io.out(showPreset(checkName(name)) + "\n"));
  preset
    .command("apply")
    .argument("<NAME>", "preset name")
    .option("--iface <IF>", "interface (default: the detected atlantic adapter)")
    .option("--dry-run", "print every command and file change, do nothing")
    .option("--yes", "do not ask for confirmation")
    .description("show the changes, confirm, apply through the root helper, verify")
    .action(async (name: string, flags: { iface?: string; dryRun?: boolean; yes?: boolean }) => {
      const n = checkName(name);
      await applyPresetFlow(
        n,
        iface(flags.iface),
        { dryRun: Boolean(flags.dryRun), yes: Boolean(flags.yes) },
        flowDeps(io),
      );
    });
  preset
    .command("revert")
    .option("--iface <IF>", "interface (default: the detected atlantic adapter)")
    .option("--dry-run", "print every command and file change, do nothing")
    .option("--yes", "do not ask for confirmation")
    .description("go back to the state before Tenbolt's first preset on the interface")
    .action(async (flags: { iface?: string; dryRun?: boolean; yes?: boolean }) => {
      await revertPresetFlow(
        iface(flags.iface),
        { dryRun: Boolean(flags.dryRun), yes: Boolean(flags.yes) },
        flowDeps(io),
      );
    });
  preset
    .command("explain")
    .description("why turning the IOMMU off, passthrough and lazy flushing are not presets")
    .action(() => io.out(renderExplain()));
};
