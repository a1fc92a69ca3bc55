// Will the kernel accept a module signed with the DKMS key? Lockdown (entered automatically under
// Secure Boot on Debian, Ubuntu and Fedora kernels) or module.sig_enforce reject modules signed by a
// key the kernel does not trust; the DKMS key becomes trusted once enrolled as a MOK.
import { readIfExists } from "./fsutil.js";
import { PATHS } from "./paths.js";
import type { System } from "./system.js";

export type Lockdown = "none" | "integrity" | "confidentiality";
export type KeyState = "enrolled" | "pending-reboot" | "not-enrolled" | "missing" | "unknown";

export interface SigningState {
  /** The SecureBoot EFI variable: 4 attribute bytes, then 1 = enabled. null on non-EFI systems. */
  secureBoot: boolean | null;
  lockdown: Lockdown | null;
  sigEnforce: boolean;
  /** The kernel refuses modules signed by an untrusted key. */
  signatureRequired: boolean;
}

export function readSigningState(sys: System): SigningState {
  const sb = readIfExists(sys.path(PATHS.secureBootVar));
  const secureBoot = sb === null ? null : sb.length >= 5 && sb[4] === 1;
  const lockText = sys.read(PATHS.lockdown);
  const m = lockText ? /\[(none|integrity|confidentiality)\]/.exec(lockText) : null;
  const lockdown = m ? (m[1] as Lockdown) : null;
  const sigEnforce = sys.read(PATHS.sigEnforce) === "Y";
  // Without the lockdown file (LSM not built) Secure Boot alone is the best sign we have.
  const signatureRequired = sigEnforce || (lockdown !== null ? lockdown !== "none" : secureBoot === true);
  return { secureBoot, lockdown, sigEnforce, signatureRequired };
}

/** The DKMS certificate in use: the first fixed candidate that exists. */
export function mokCertificate(sys: System): string | null {
  return PATHS.mokCertificates.find((p) => sys.exists(p)) ?? null;
}

/** Parses `mokutil --test-key CERT` output (its exit status differs between versions; the text does not). */
export function parseTestKey(text: string): KeyState {
  if (/already in the enrollment request/i.test(text)) return "pending-reboot";
  if (/is not enrolled/i.test(text)) return "not-enrolled";
  if (/is already enrolled/i.test(text)) return "enrolled";
  return "unknown";
}

export async function keyState(sys: System): Promise<{ state: KeyState; certificate: string | null }> {
  const certificate = mokCertificate(sys);
  if (certificate === null) return { state: "missing", certificate };
  if (!sys.hasTool("mokutil")) return { state: "unknown", certificate };
  const r = await sys.tryRun("mokutil", ["--test-key", certificate]);
  return { state: parseTestKey(r.stdout + r.stderr), certificate };
}

export const MOK_EXPLANATION =
  "Secure Boot is on, so the kernel only loads modules signed by a key it trusts. DKMS signs the patched " +
  "atlantic with its own key, which must be enrolled once as a Machine Owner Key (MOK): run " +
  "`tenbolt driver enroll-mok`, choose a one-time password, reboot, pick 'Enroll MOK' in the blue MokManager " +
  "screen and type that password. Then run `tenbolt driver install` again. Nothing was changed.";
