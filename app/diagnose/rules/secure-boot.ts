// Secure Boot / lockdown: a self-built driver must be signed with a key the firmware trusts.
import type { Detection, Finding } from "../../detect/report.js";
import { ev, finding } from "../finding.js";

/**
 * `secure-boot-module-signing`: Secure Boot or lockdown is on and some adapter still runs without the patched
 * driver, so installing it will need an enrolled MOK (machine owner key) or the module is refused.
 */
export function secureBootModuleSigning(d: Detection): Finding[] {
  const locked = d.security.lockdown === "integrity" || d.security.lockdown === "confidentiality";
  if (d.security.secureBoot !== true && !locked) return [];
  const needsDriver = d.adapters.filter((a) => !a.driver.patched);
  if (needsDriver.length === 0) return [];
  return [
    finding(
      "secure-boot-module-signing",
      "warning",
      "Secure Boot: the patched driver must be signed with your own key",
      "Secure Boot is on, so Linux only loads drivers signed with a key the machine trusts. The patched driver " +
        "is built on this machine and signed with a local key (DKMS creates one); until that key is enrolled as a " +
        'Machine Owner Key (MOK), loading the driver fails with "Key was rejected by service". Enrolling asks for ' +
        "a one-time password now and a confirmation in the blue MokManager screen at the next reboot. Do this " +
        "before installing the driver.",
      {
        actions: [
          "mokutil --sb-state",
          "sudo mokutil --import /var/lib/dkms/mok.pub   (Ubuntu: /var/lib/shim-signed/mok/MOK.der)",
          "sudo reboot   (choose Enroll MOK in MokManager)",
          "tenbolt driver install",
        ],
        evidence: [ev("secure boot", d.security.secureBoot), ev("lockdown", d.security.lockdown)],
      },
    ),
  ];
}
