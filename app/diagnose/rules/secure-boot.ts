// Module signing: whether the self-built (DKMS) driver may load, and what the user sees if not.
// kernel/module/signing.c, module_sig_check: an unsigned module, or one signed by a key the kernel does not
// trust, is refused with EKEYREJECTED when sig_enforce is on; otherwise lockdown refuses it with EPERM
// (security_locked_down(LOCKDOWN_MODULE_SIGNATURE)); with neither it loads and taints the kernel (flag E).
import type { Detection, Finding } from "../../detect/report.js";
import { ev, finding } from "../finding.js";

const ENROLL = [
  "mokutil --sb-state",
  "sudo mokutil --import /var/lib/dkms/mok.pub   (Ubuntu: /var/lib/shim-signed/mok/MOK.der)",
  "sudo reboot   (choose Enroll MOK in MokManager)",
  "tenbolt driver install",
];

const ENROLL_TEXT =
  "The patched driver is built on this machine and signed with a local key (DKMS creates one); enrolling that " +
  "key as a Machine Owner Key (MOK) asks for a one-time password now and a confirmation in the blue MokManager " +
  "screen at the next reboot.";

type Case = { severity: "warning" | "info"; title: string; detail: string };

function signingCase(d: Detection): Case | null {
  const { secureBoot, lockdown, sigEnforce } = d.security;
  const locked = lockdown === "integrity" || lockdown === "confidentiality";
  if (sigEnforce === true) {
    return {
      severity: "warning",
      title: "Module signing is enforced: the patched driver must be signed with a trusted key",
      detail:
        "The kernel enforces module signatures (sig_enforce is on), so a driver without a signature from a key " +
        'the kernel trusts is refused: loading fails with "Key was rejected by service". ' +
        `${ENROLL_TEXT} Do this before installing the driver.`,
    };
  }
  if (locked) {
    return {
      severity: "warning",
      title: `Kernel lockdown (${lockdown}): the patched driver must be signed with a trusted key`,
      detail:
        `The kernel runs in lockdown mode "${lockdown}"` +
        (secureBoot === true ? " (turned on because Secure Boot is on)" : "") +
        ", which refuses modules without a signature from a key the kernel trusts: loading fails with " +
        `"Operation not permitted". ${ENROLL_TEXT} Do this before installing the driver.`,
    };
  }
  if (secureBoot === true && lockdown === "none" && sigEnforce === false) {
    return {
      severity: "info",
      title: "Secure Boot is on, but unsigned drivers still load (and taint the kernel)",
      detail:
        "Secure Boot is on, but this kernel neither enforces module signatures (sig_enforce is off) nor runs in " +
        "lockdown, so the patched driver loads even if its key is not trusted. The kernel then logs " +
        '"module verification failed: signature and/or required key missing - tainting kernel" and marks ' +
        `itself tainted (flag E), which some bug trackers ask about. ${ENROLL_TEXT} That avoids the taint.`,
    };
  }
  if (secureBoot === true) {
    return {
      severity: "warning",
      title: "Secure Boot is on: the patched driver may need a trusted signature",
      detail:
        "Secure Boot is on, and whether this kernel enforces module signatures could not be read. If it does, " +
        'an untrusted driver is refused ("Key was rejected by service"); if not, it loads and taints the kernel. ' +
        `${ENROLL_TEXT}`,
    };
  }
  return null;
}

/**
 * `secure-boot-module-signing` (id kept for scripts): signature enforcement, lockdown or Secure Boot matter
 * for the self-built driver, and some adapter still runs without it. One text per case.
 */
export function secureBootModuleSigning(d: Detection): Finding[] {
  if (!d.adapters.some((a) => !a.driver.patched)) return [];
  const c = signingCase(d);
  if (c === null) return [];
  return [
    finding("secure-boot-module-signing", c.severity, c.title, c.detail, {
      actions: ENROLL,
      evidence: [
        ev("secure boot", d.security.secureBoot),
        ev("lockdown", d.security.lockdown),
        ev("sig_enforce", d.security.sigEnforce),
      ],
    }),
  ];
}
