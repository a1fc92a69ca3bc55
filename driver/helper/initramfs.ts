// The initramfs carries its own copy of atlantic on Debian (MODULES=most), so after installing or
// removing the DKMS module it must be regenerated, or early boot keeps loading the other one.
import type { System } from "./system.js";

/** The initramfs image of a kernel: Debian/Ubuntu name first, then Fedora's (dracut). */
export function initramfsImage(sys: System, kernel: string): string | null {
  return [`/boot/initrd.img-${kernel}`, `/boot/initramfs-${kernel}.img`].find((p) => sys.exists(p)) ?? null;
}

/** True when the image lists an atlantic module; null when no lister is installed (then regenerate to be safe). */
export async function carriesAtlantic(sys: System, image: string): Promise<boolean | null> {
  const tool = sys.hasTool("lsinitramfs") ? "lsinitramfs" : sys.hasTool("lsinitrd") ? "lsinitrd" : null;
  if (tool === null) return null;
  const r = await sys.tryRun(tool, [sys.path(image)]);
  if (r.code !== 0) return null;
  return /(^|\/)atlantic\.ko(\.[a-z]+)?$/m.test(r.stdout);
}

/** Regenerates the image for `kernel` with the distribution's tool; false when none is installed. */
export async function regenerate(sys: System, kernel: string): Promise<boolean> {
  if (sys.hasTool("updateInitramfs")) {
    await sys.run("updateInitramfs", ["-u", "-k", kernel]);
    return true;
  }
  if (sys.hasTool("dracut")) {
    await sys.run("dracut", ["-f", "--kver", kernel]);
    return true;
  }
  return false;
}
