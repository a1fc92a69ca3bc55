// `tenbolt driver status`, without root: which atlantic is loaded and at which page order, what
// Tenbolt installed (the helper's world-readable state.json), dkms's view, and whether Secure Boot
// will demand an enrolled key.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Runner } from "../system/runner.js";
import { PATHS } from "../../driver/helper/paths.js";
import { readState, type InstalledDriver } from "../../driver/helper/state.js";
import { readSigningState, type SigningState } from "../../driver/helper/secureboot.js";
import { System, realClock } from "../../driver/helper/system.js";
import { DKMS_NAME } from "../../driver/helper/dkms-source.js";
import { helperInstalled } from "../elevation/helper-client.js";

export interface DriverStatus {
  kernel: string | null;
  module: { loaded: boolean; patched: boolean; rxPageOrder: number | null };
  /** Kernel release -> the package Tenbolt installed for it. */
  installed: Record<string, InstalledDriver>;
  /** Tenbolt's driver is installed for other kernels but not for the running one (e.g. after an upgrade). */
  missingForRunningKernel: boolean;
  /** `dkms status` lines about Tenbolt's package, or null when dkms is not installed. */
  dkms: string[] | null;
  helperInstalled: boolean;
  signing: SigningState;
  presets: Record<string, string>;
}

export async function driverStatus(root: string, runner: Runner): Promise<DriverStatus> {
  const sys = new System(root, runner, realClock);
  let installed: Record<string, InstalledDriver> = {};
  let presets: Record<string, string> = {};
  try {
    const st = readState(sys);
    installed = st.drivers;
    presets = Object.fromEntries(Object.entries(st.presets).map(([i, p]) => [i, p.name]));
  } catch {
    installed = {};
  }
  let dkms: string[] | null = null;
  if (sys.hasTool("dkms")) {
    const r = await runner.run(sys.tool("dkms"), ["status", "-m", DKMS_NAME], { timeoutMs: 30_000 });
    dkms = r.code === 0 ? r.stdout.split("\n").filter((l) => l.trim() !== "") : [];
  }
  const kernel = sys.kernelRelease();
  return {
    kernel,
    missingForRunningKernel: kernel !== null && Object.keys(installed).length > 0 && !(kernel in installed),
    module: {
      loaded: sys.moduleLoaded(),
      patched: sys.rxPageOrder() !== null,
      rxPageOrder: sys.rxPageOrder(),
    },
    installed,
    dkms,
    helperInstalled: helperInstalled(root),
    signing: readSigningState(sys),
    presets,
  };
}

export function renderDriverStatus(s: DriverStatus): string {
  const lines: string[] = [];
  lines.push(`kernel:           ${s.kernel ?? "unknown"}`);
  const mod = !s.module.loaded
    ? "not loaded (adapter unplugged or driver not installed)"
    : s.module.patched
      ? `patched (Tenbolt), rxpageorder ${s.module.rxPageOrder}`
      : "stock (no rxpageorder parameter): RX page order 0";
  lines.push(`atlantic:         ${mod}`);
  const inst = Object.entries(s.installed);
  lines.push(
    `installed by Tenbolt: ${inst.length ? inst.map(([k, d]) => `${d.name}/${d.version} for ${k}`).join(", ") : "nothing"}`,
  );
  if (s.missingForRunningKernel)
    lines.push(
      `note:             the running kernel ${s.kernel} has no patched atlantic (kernel upgrade?): run \`tenbolt driver install\``,
    );
  if (s.dkms !== null)
    lines.push(`dkms:             ${s.dkms.length ? s.dkms.join("; ") : "no Tenbolt package"}`);
  else lines.push("dkms:             not installed");
  const presets = Object.entries(s.presets);
  lines.push(
    `presets:          ${presets.length ? presets.map(([i, p]) => `${i}: ${p}`).join(", ") : "none applied"}`,
  );
  const sb = s.signing.secureBoot === null ? "no EFI" : s.signing.secureBoot ? "on" : "off";
  lines.push(
    `secure boot:      ${sb}, lockdown ${s.signing.lockdown ?? "unknown"}${s.signing.signatureRequired ? " (modules must be signed by an enrolled key)" : ""}`,
  );
  lines.push(
    `root helper:      ${s.helperInstalled ? "installed" : "not installed (installed on first use)"}`,
  );
  return lines.join("\n") + "\n";
}

/** True when the running system has the module file layout we expect (for messages). */
export function hasModulesDir(root: string, kernel: string): boolean {
  return existsSync(join(root, "lib/modules", kernel)) || existsSync(join(root, PATHS.moduleDir));
}
