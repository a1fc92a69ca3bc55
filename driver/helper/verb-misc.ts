// status (read-only), authorize-thunderbolt and enroll-mok.
import { writeFileSync } from "node:fs";
import { HelperError, type VerbContext } from "./context.js";
import type { Journal } from "./journal.js";
import { PATHS } from "./paths.js";
import { keyState, mokCertificate, readSigningState } from "./secureboot.js";
import { readState } from "./state.js";
import { HELPER_VERSION } from "./version.js";

export function status(ctx: VerbContext) {
  const { sys } = ctx;
  return {
    helperVersion: HELPER_VERSION,
    kernel: sys.kernelRelease(),
    module: {
      loaded: sys.moduleLoaded(),
      patched: sys.rxPageOrder() !== null,
      rxPageOrder: sys.rxPageOrder(),
    },
    signing: readSigningState(sys),
    mokCertificate: mokCertificate(sys),
    links: sys.atlanticIfaces().map((i) => sys.link(i)),
    state: readState(sys),
  };
}

export async function authorizeThunderbolt(ctx: VerbContext, j: Journal, device: string) {
  const { sys } = ctx;
  const attr = `${PATHS.thunderboltDevices}/${device}/authorized`;
  if (sys.read(attr) !== "0") {
    j.note(`${device} is already authorized`);
    return { device, authorized: true, changed: false };
  }
  // No undo: de-authorizing would cut the device off; the user approved this one explicitly.
  await j.step("authorize", `authorize Thunderbolt device ${device} (opens its PCIe tunnel)`, [], () =>
    writeFileSync(sys.path(attr), "1\n"),
  );
  return { device, authorized: sys.read(attr) !== "0", changed: true };
}

export const DKMS_MOK_KEY = "/var/lib/dkms/mok.key";
export const DKMS_MOK_CERT = "/var/lib/dkms/mok.pub";

export async function enrollMok(ctx: VerbContext, j: Journal) {
  const { sys } = ctx;
  let cert = mokCertificate(sys);
  if (cert === null) {
    // dkms 3.0.x creates this pair on its first signed build; creating it the same way now lets the
    // key be enrolled before anything is built.
    await j.step(
      "generate-mok",
      `create the DKMS signing key ${DKMS_MOK_KEY} and certificate ${DKMS_MOK_CERT}`,
      [j.fileUndo(DKMS_MOK_KEY), j.fileUndo(DKMS_MOK_CERT)],
      () =>
        sys.run("openssl", [
          "req",
          "-new",
          "-x509",
          "-nodes",
          "-days",
          "36500",
          "-subj",
          "/CN=DKMS module signing key",
          "-newkey",
          "rsa:2048",
          "-keyout",
          sys.path(DKMS_MOK_KEY),
          "-outform",
          "DER",
          "-out",
          sys.path(DKMS_MOK_CERT),
        ]),
    );
    cert = DKMS_MOK_CERT;
  }
  const key = await keyState(sys);
  if (key.state === "enrolled" || key.state === "pending-reboot") {
    j.note(`${cert}: ${key.state}`);
    return { certificate: cert, state: key.state };
  }
  if (!ctx.deps.interactive)
    throw new HelperError(
      "mokutil asks for the one-time enrollment password on a terminal, and this helper has none",
      "needs-terminal",
      "run `tenbolt driver enroll-mok` in a terminal",
    );
  await j.step(
    "mok-import",
    `request enrollment of ${cert} (you choose a one-time password; MokManager asks for it at the next boot)`,
    [{ kind: "run", tool: "mokutil", args: ["--revoke-import"], bestEffort: true }],
    () => sys.runInteractive("mokutil", ["--import", sys.path(cert)]),
  );
  return { certificate: cert, state: "pending-reboot" as const };
}
