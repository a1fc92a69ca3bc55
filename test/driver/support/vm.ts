// Boots a kernel + initramfs under qemu-system-x86_64 with the serial console on stdout, bounded in
// time, and collects the "TENBOLT key=value" report lines the initramfs prints.
import { constants, accessSync } from "node:fs";
import type { Runner } from "../../../app/system/runner.js";

export function kvmUsable(): boolean {
  try {
    accessSync("/dev/kvm", constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export function qemuArgs(vmlinuz: string, initramfs: string, accel: "kvm" | "tcg"): string[] {
  return [
    "-accel",
    accel,
    "-m",
    "512",
    "-smp",
    "1",
    "-nographic",
    "-no-reboot",
    "-kernel",
    vmlinuz,
    "-initrd",
    initramfs,
    "-append",
    "console=ttyS0 panic=-1 quiet loglevel=3 rdinit=/init",
  ];
}

/** Report lines ("TENBOLT key=value"), in order; kernel messages and \r around them are ignored. */
export function parseReport(console: string): Map<string, string> {
  const report = new Map<string, string>();
  for (const raw of console.split("\n")) {
    const m = /TENBOLT ([\w.-]+)=(.*)$/.exec(raw.replace(/\r/g, ""));
    if (m) report.set(m[1] as string, (m[2] as string).trim());
  }
  return report;
}

export interface BootResult {
  report: Map<string, string>;
  console: string;
  seconds: number;
  accel: "kvm" | "tcg";
  timedOut: boolean;
}

export async function boot(
  runner: Runner,
  vmlinuz: string,
  initramfs: string,
  timeoutMs = 120_000,
): Promise<BootResult> {
  const accel = kvmUsable() ? "kvm" : "tcg";
  const t0 = Date.now();
  const r = await runner.run("qemu-system-x86_64", qemuArgs(vmlinuz, initramfs, accel), { timeoutMs });
  const console = r.stdout + r.stderr;
  return {
    report: parseReport(console),
    console,
    seconds: (Date.now() - t0) / 1000,
    accel,
    timedOut: r.timedOut,
  };
}
