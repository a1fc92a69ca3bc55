// Which PCI ports a Thunderbolt/USB4 host interface (NHI) serves. Firmware names them with the ACPI
// "usb4-host-interface" property and the thunderbolt driver turns that into device links between
// the NHI and each tunnel root port (and its xHCI). sysfs shows a link three ways: consumer:<bus>:<dev>
// and supplier:<bus>:<dev> symlinks in the two device directories, and /sys/class/devlink/<s>--<c>.
// Discrete Thunderbolt 3 controllers have no such links; pairing then falls back to the PCI tree.
import type { SysRoot } from "../sysfs/root.js";
import { isPciAddress } from "./pci.js";

const LINK_ENTRY = /^(?:consumer|supplier):pci:(.+)$/;
const CLASS_DEVLINK = "/sys/class/devlink";
const CLASS_ENTRY = /^pci:(.+)--pci:(.+)$/;

/** PCI addresses device-linked to the NHI at `nhiPath` (address `nhi`), sorted. */
export function deviceLinkedPci(sys: SysRoot, nhi: string, nhiPath: string): string[] {
  const found = new Set<string>();
  for (const name of sys.list(nhiPath)) {
    const m = LINK_ENTRY.exec(name);
    // Touch the link itself so a capture keeps it.
    if (m && isPciAddress(m[1] as string) && sys.readLink(`${nhiPath}/${name}`) !== null)
      found.add(m[1] as string);
  }
  for (const name of sys.list(CLASS_DEVLINK)) {
    const m = CLASS_ENTRY.exec(name);
    if (!m) continue;
    const [a, b] = [m[1] as string, m[2] as string];
    const other = a === nhi ? b : b === nhi ? a : null;
    if (other !== null && isPciAddress(other) && sys.readLink(`${CLASS_DEVLINK}/${name}`) !== null)
      found.add(other);
  }
  found.delete(nhi);
  return [...found].sort();
}
