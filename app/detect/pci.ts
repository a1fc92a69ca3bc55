// PCI devices from sys/bus/pci/devices: IDs, class, driver, IOMMU group, removable, link, parent.
// Addresses are domain:bus:device.function; the domain has more than 4 digits behind Intel VMD.
// Each entry is a relative symlink into sys/devices/pci<domain>:<bus>/...; the resolved path
// spells out the chain of bridges above the device, which is how parents are found.
import { posix } from "node:path";
import type { SysRoot } from "../sysfs/root.js";

export interface PciLinkValues {
  speed: string | null;
  width: number | null;
  maxSpeed: string | null;
  maxWidth: number | null;
}

export interface PciDevice {
  address: string; // "0000:63:00.0"
  /** Canonical in-root path of the device directory ("/sys/devices/pci0000:00/..."). */
  path: string;
  vendorId: string | null;
  deviceId: string | null;
  subsystemVendorId: string | null;
  subsystemDeviceId: string | null;
  class: string | null; // "020000"
  driver: string | null;
  iommuGroup: number | null;
  removable: boolean | null;
  link: PciLinkValues;
  /** The PCI device directly above (its bridge), or null below a host bridge. */
  parent: string | null;
  /** Every PCI device above, nearest first, ending at the root port (from the sysfs path). */
  upstream: string[];
  /**
   * True when the port runs the PCIe hot-plug service (its "<bdf>:pcie204" / "pcie004" child, named by
   * drivers/pci/pcie/portdrv.c): Thunderbolt tunnel ports do. null when nothing says so (not "no").
   */
  hotplug: boolean | null;
}

/** PCIe port service child "<bdf>:pcieTSS": T = port type - 4, SS = service bits; hot-plug is bit 2. */
const PORT_SERVICE = /:pcie([0-9a-f])([0-9a-f]{2})$/;

function hasHotplugService(sys: SysRoot, path: string, address: string): boolean | null {
  for (const name of sys.list(path)) {
    if (!name.startsWith(`${address}:pcie`)) continue;
    const m = PORT_SERVICE.exec(name);
    // Touch it so a capture keeps it.
    if (m && (parseInt(m[2] as string, 16) & 0x04) !== 0 && sys.isDirectory(`${path}/${name}`)) return true;
  }
  return null;
}

const BDF = /^[0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/;

export function isPciAddress(name: string): boolean {
  return BDF.test(name);
}

const PCI_DEVICES = "/sys/bus/pci/devices";

/** Where pairing and path building look devices up. */
export interface PciLookup {
  get(address: string): PciDevice | undefined;
}

/**
 * The PCI bus, read on demand: every device's IDs are needed to find the NICs, but the full
 * attribute set only for the NICs, the bridges above them and the Thunderbolt host interfaces.
 * That keeps detection fast on machines with many devices and a capture small.
 */
export class PciBus implements PciLookup {
  private readonly devices = new Map<string, PciDevice | null>();

  constructor(private readonly sys: SysRoot) {}

  addresses(): string[] {
    return this.sys.list(PCI_DEVICES).filter(isPciAddress);
  }

  ids(address: string): { vendorId: string | null; deviceId: string | null } {
    const base = `${PCI_DEVICES}/${address}`;
    return { vendorId: this.sys.readHexId(`${base}/vendor`), deviceId: this.sys.readHexId(`${base}/device`) };
  }

  get(address: string): PciDevice | undefined {
    if (!this.devices.has(address)) this.devices.set(address, readPciDevice(this.sys, address));
    return this.devices.get(address) ?? undefined;
  }
}

function readPciDevice(sys: SysRoot, address: string): PciDevice | null {
  const path = sys.resolve(`${PCI_DEVICES}/${address}`);
  if (path === null || !sys.isDirectory(path)) return null;
  const upstream = path.split("/").filter(isPciAddress).reverse().slice(1);
  const cls = sys.readHexId(`${path}/class`, 6);
  return {
    address,
    path,
    vendorId: sys.readHexId(`${path}/vendor`),
    deviceId: sys.readHexId(`${path}/device`),
    subsystemVendorId: sys.readHexId(`${path}/subsystem_vendor`),
    subsystemDeviceId: sys.readHexId(`${path}/subsystem_device`),
    class: cls,
    driver: linkName(sys, `${path}/driver`),
    iommuGroup: groupNumber(linkName(sys, `${path}/iommu_group`)),
    removable: parseRemovable(sys.readAttr(`${path}/removable`)),
    link: {
      speed: linkSpeed(sys.readAttr(`${path}/current_link_speed`)),
      width: sys.readInt(`${path}/current_link_width`),
      maxSpeed: linkSpeed(sys.readAttr(`${path}/max_link_speed`)),
      maxWidth: sys.readInt(`${path}/max_link_width`),
    },
    parent: upstream[0] ?? null,
    upstream,
    hotplug: cls?.startsWith("0604") ? hasHotplugService(sys, path, address) : null,
  };
}

/** The last component of a symlink's target ("atlantic" for ../../../bus/pci/drivers/atlantic). */
export function linkName(sys: SysRoot, p: string): string | null {
  const target = sys.readLink(p);
  if (target === null) return null;
  const name = posix.basename(target);
  return name === "" || name === ".." || name === "." ? null : name;
}

function groupNumber(name: string | null): number | null {
  if (name === null || !/^\d+$/.test(name)) return null;
  return Number(name);
}

export function parseRemovable(v: string | null): boolean | null {
  if (v === "removable") return true;
  if (v === "fixed") return false;
  return null;
}

/** "8.0 GT/s PCIe" (older kernels print "8 GT/s"); "Unknown" and garbage become null. */
function linkSpeed(v: string | null): string | null {
  if (v === null || !/^\d+(\.\d+)? GT\/s/.test(v)) return null;
  return v;
}

export function isBridge(dev: PciDevice | undefined): boolean {
  return dev?.class?.startsWith("0604") ?? false;
}
