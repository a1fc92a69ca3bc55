// Secure Boot and kernel lockdown: they decide whether an unsigned (DKMS-built) module may load.
import type { SysRoot } from "../sysfs/root.js";

const SECURE_BOOT_VAR = "/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c";
const LOCKDOWN = "/sys/kernel/security/lockdown";
/** Y when the kernel refuses modules without a valid signature (CONFIG_MODULE_SIG_FORCE or module.sig_enforce=1). */
const SIG_ENFORCE = "/sys/module/module/parameters/sig_enforce";

export type Lockdown = "none" | "integrity" | "confidentiality";

/** efivarfs files are 4 bytes of attributes followed by the value; SecureBoot's value is one byte. */
export function parseSecureBoot(bytes: Buffer | null): boolean | null {
  if (bytes === null || bytes.length !== 5) return null;
  const v = bytes[4];
  return v === 1 ? true : v === 0 ? false : null;
}

/** "[none] integrity confidentiality": the bracketed word is the active mode. */
export function parseLockdown(text: string | null): Lockdown | null {
  const m = text === null ? null : /\[(none|integrity|confidentiality)\]/.exec(text);
  return m ? (m[1] as Lockdown) : null;
}

/** Module bool parameters print "Y" or "N"; anything else is unknown. */
export function parseSigEnforce(text: string | null): boolean | null {
  return text === "Y" ? true : text === "N" ? false : null;
}

export function readSecurity(sys: SysRoot): {
  secureBoot: boolean | null;
  lockdown: Lockdown | null;
  sigEnforce: boolean | null;
} {
  const efi = sys.isDirectory("/sys/firmware/efi");
  const bytes = sys.readBytes(SECURE_BOOT_VAR);
  // Booted without EFI (legacy BIOS): no Secure Boot, which we can say for certain.
  const secureBoot =
    bytes === null && !efi && sys.isDirectory("/sys/firmware") ? false : parseSecureBoot(bytes);
  return {
    secureBoot,
    lockdown: parseLockdown(sys.readAttr(LOCKDOWN)),
    sigEnforce: parseSigEnforce(sys.readAttr(SIG_ENFORCE)),
  };
}
