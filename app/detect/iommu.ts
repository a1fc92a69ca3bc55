// IOMMU state: units in sys/class/iommu, per-group domain type, and the options on the kernel
// command line. Group type semantics (Documentation/ABI/testing/sysfs-kernel-iommu_groups):
// DMA = translated, strict invalidation on every unmap (forced for untrusted/Thunderbolt devices);
// DMA-FQ = translated, lazy invalidation through flush queues; identity = passthrough, untranslated.
import type { SysRoot } from "../sysfs/root.js";

export type IommuVendor = "amd" | "intel";

export interface IommuState {
  enabled: boolean | null;
  vendor: IommuVendor | null;
  units: { name: string; vendor: IommuVendor | null }[];
  bootOptions: string[];
}

const CLASS_IOMMU = "/sys/class/iommu";
const GROUPS = "/sys/kernel/iommu_groups";

export function unitVendor(name: string): IommuVendor | null {
  if (/^ivhd\d+$/.test(name)) return "amd";
  if (/^dmar\d+$/.test(name)) return "intel";
  return null;
}

/** Units not named ivhdN/dmarN still carry their driver's attribute group (amd-iommu/, intel-iommu/). */
function vendorByType(sys: SysRoot, unit: string): IommuVendor | null {
  if (sys.isDirectory(`${unit}/amd-iommu`)) return "amd";
  if (sys.isDirectory(`${unit}/intel-iommu`)) return "intel";
  return null;
}

/** IOMMU-related options on a kernel command line, verbatim, in order. */
export function iommuBootOptions(cmdline: string | null): string[] {
  if (cmdline === null) return [];
  // Words after "--" go to init, not to the kernel (Documentation/admin-guide/kernel-parameters.rst).
  const words = cmdline.split(/\s+/);
  const end = words.indexOf("--");
  return (end === -1 ? words : words.slice(0, end)).filter((w) =>
    /^(iommu|amd_iommu|intel_iommu|iommu\.[a-z_]+|swiotlb|amd_iommu_dump|ivrs_[a-z]+)(=|$)/.test(w),
  );
}

/** True when the options switch translation off for everything (iommu=off, amd_iommu=off, ...). */
export function bootDisablesIommu(options: string[], vendor: IommuVendor | null): boolean {
  return options.some(
    (o) =>
      o === "iommu=off" ||
      (o === "amd_iommu=off" && vendor !== "intel") ||
      (o === "intel_iommu=off" && vendor !== "amd"),
  );
}

/** The CPU vendor from /proc/cpuinfo: with the IOMMU off there are no units to tell AMD-Vi from VT-d. */
export function cpuVendor(cpuinfo: string | null): IommuVendor | null {
  const m = cpuinfo === null ? null : /^vendor_id\s*:\s*(\S+)/m.exec(cpuinfo);
  if (!m) return null;
  return m[1] === "AuthenticAMD" ? "amd" : m[1] === "GenuineIntel" ? "intel" : null;
}

export function readIommu(sys: SysRoot, cmdline: string | null): IommuState {
  // Touch each unit's link so a capture keeps it.
  const units = sys
    .list(CLASS_IOMMU)
    .filter((name) => sys.readLink(`${CLASS_IOMMU}/${name}`) !== null || sys.exists(`${CLASS_IOMMU}/${name}`))
    .map((name) => ({ name, vendor: unitVendor(name) ?? vendorByType(sys, `${CLASS_IOMMU}/${name}`) }));
  const anyGroup = () =>
    sys
      .list(GROUPS)
      .filter((g) => /^\d+$/.test(g))
      .some((g) => sys.isDirectory(`${GROUPS}/${g}`));
  const vendors = [...new Set(units.map((u) => u.vendor).filter((v): v is IommuVendor => v !== null))];
  const vendor =
    vendors.length === 1
      ? (vendors[0] as IommuVendor)
      : vendors.length === 0
        ? cpuVendor(sys.readText("/proc/cpuinfo"))
        : null;
  const bootOptions = iommuBootOptions(cmdline);
  let enabled: boolean | null;
  if (units.length > 0 || anyGroup()) enabled = true;
  else if (bootDisablesIommu(bootOptions, vendor)) enabled = false;
  // Both directories exist whenever the kernel has IOMMU support; empty means no IOMMU active.
  else if (sys.isDirectory(CLASS_IOMMU) && sys.isDirectory(GROUPS)) enabled = false;
  else enabled = null;
  return { enabled, vendor, units, bootOptions };
}

export function readGroupType(sys: SysRoot, group: number): string | null {
  return sys.readAttr(`${GROUPS}/${group}/type`);
}

export interface Translation {
  translated: boolean | null;
  strict: boolean | null;
}

/**
 * Whether DMA from a device goes through IOMMU translation. A device without a group is untranslated
 * when the IOMMU is known to be off or when groups exist but it is not in one.
 */
export function translation(
  group: number | null,
  type: string | null,
  iommuEnabled: boolean | null,
): Translation {
  if (group === null) {
    return iommuEnabled === null ? { translated: null, strict: null } : { translated: false, strict: false };
  }
  switch (type) {
    case "DMA":
      return { translated: true, strict: true };
    case "DMA-FQ":
      return { translated: true, strict: false };
    case "identity":
      return { translated: false, strict: false };
    default:
      // blocked (no DMA at all), unmanaged (owned by VFIO/a VM), unknown, unreadable: cannot be told.
      return { translated: null, strict: null };
  }
}
