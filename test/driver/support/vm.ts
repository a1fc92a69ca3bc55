// Boots a kernel + initramfs under qemu-system-x86_64 with the serial console on stdout, bounded in
// time, and collects the "TENBOLT key=value" report lines the initramfs prints. KVM is used when
// /dev/kvm is usable and actually runs the guest; nested KVM can fail in odd ways (MSR errors,
// internal errors, a silent hang), so a KVM boot that shows such a sign, or no report line within
// `kvmGraceMs`, is stopped and the boot is repeated under TCG (software emulation).
import { accessSync, constants } from "node:fs";
import { spawn } from "node:child_process";

export type Accel = "kvm" | "tcg";

export function kvmUsable(): boolean {
  try {
    accessSync("/dev/kvm", constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export function qemuArgs(vmlinuz: string, initramfs: string, accel: Accel): string[] {
  return [
    "-accel",
    accel,
    // qemu's default CPU model lacks instructions the distribution kernel's early code may use.
    "-cpu",
    accel === "kvm" ? "host" : "max",
    "-m",
    "512",
    "-smp",
    "1",
    "-nographic",
    "-no-reboot",
    // No network card: the module only has to register its PCI driver.
    "-nic",
    "none",
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

/** Output that means KVM cannot run this guest here (not a failure of the module under test). */
export const KVM_BROKEN = /KVM internal error|failed to set MSR|kvm_buf_set_msrs|^Code=|^EFER=/m;

export interface BootResult {
  report: Map<string, string>;
  console: string;
  seconds: number;
  accel: Accel;
  timedOut: boolean;
  /** Why KVM was abandoned, when it was. */
  kvmFallback?: string;
}

interface QemuRun {
  console: string;
  timedOut: boolean;
  aborted?: string;
  seconds: number;
}

function runQemu(args: string[], timeoutMs: number, abortIf?: (out: string, ms: number) => string | null) {
  return new Promise<QemuRun>((resolve) => {
    const t0 = Date.now();
    const child = spawn("qemu-system-x86_64", args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let timedOut = false;
    let aborted: string | undefined;
    const stop = () => child.kill("SIGKILL");
    const hard = setTimeout(() => {
      timedOut = true;
      stop();
    }, timeoutMs);
    const poll = setInterval(() => {
      const why = abortIf?.(out, Date.now() - t0);
      if (why && !aborted) {
        aborted = why;
        stop();
      }
    }, 250);
    const take = (c: Buffer) => (out += c.toString("latin1"));
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("error", (e) => (out += `\nqemu could not start: ${e.message}\n`));
    child.on("close", () => {
      clearTimeout(hard);
      clearInterval(poll);
      // qemu may die before the next poll: judge the final output too.
      if (!aborted && !out.includes("TENBOLT done=")) aborted = abortIf?.(out, 0) ?? undefined;
      resolve({ console: out, timedOut, seconds: (Date.now() - t0) / 1000, ...(aborted ? { aborted } : {}) });
    });
  });
}

export async function boot(
  vmlinuz: string,
  initramfs: string,
  timeoutMs = 120_000,
  kvmGraceMs = 30_000,
): Promise<BootResult> {
  let kvmFallback: string | undefined;
  if (kvmUsable()) {
    const kvm = await runQemu(qemuArgs(vmlinuz, initramfs, "kvm"), timeoutMs, (out, ms) => {
      if (KVM_BROKEN.test(out)) return "KVM could not run the guest";
      if (ms > kvmGraceMs && !out.includes("TENBOLT "))
        return `no report within ${kvmGraceMs / 1000} s under KVM`;
      return null;
    });
    if (!kvm.aborted)
      return {
        report: parseReport(kvm.console),
        console: kvm.console,
        seconds: kvm.seconds,
        accel: "kvm",
        timedOut: kvm.timedOut,
      };
    kvmFallback = kvm.aborted;
  } else kvmFallback = "/dev/kvm is not usable";
  const tcg = await runQemu(qemuArgs(vmlinuz, initramfs, "tcg"), timeoutMs);
  return {
    report: parseReport(tcg.console),
    console: tcg.console,
    seconds: tcg.seconds,
    accel: "tcg",
    timedOut: tcg.timedOut,
    kvmFallback,
  };
}
