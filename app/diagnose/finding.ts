// Building blocks shared by the rule families: a finding constructor, severity order, and small
// readers of the detection report that several rules need.
import type { Adapter, Detection, Finding, Severity } from "../detect/report.js";

/** A rule family: reads the report, returns its findings (in no particular severity order). */
export type Rule = (d: Detection) => Finding[];

/** Most urgent first: this is the order a user reads and the order scripts get. */
export const SEVERITY_ORDER: readonly Severity[] = ["critical", "warning", "info", "ok"];

export function severityRank(s: Severity): number {
  return SEVERITY_ORDER.indexOf(s);
}

export function finding(
  id: string,
  severity: Severity,
  title: string,
  detail: string,
  opts: { actions?: string[]; subject?: string | null; evidence?: string[] } = {},
): Finding {
  return {
    id,
    severity,
    title,
    detail,
    actions: opts.actions ?? [],
    subject: opts.subject ?? null,
    evidence: opts.evidence ?? [],
  };
}

/** "key: value" evidence line; unknown values print as "unknown". */
export function ev(key: string, value: string | number | boolean | null | undefined): string {
  return `${key}: ${value === null || value === undefined ? "unknown" : String(value)}`;
}

/** How a user recognises the adapter in a sentence: "QNAP QNA-T310G1S (AQC100, enp99s0)". */
export function adapterLabel(a: Adapter): string {
  // With an ambiguous pairing the product name may be another device's (a dock, a disk): use the chip.
  const trusted = a.thunderbolt?.pairing !== "ambiguous";
  const name =
    (trusted ? (a.model ?? a.thunderbolt?.deviceName) : null) ??
    (a.nic.chip ? `Aquantia ${a.nic.chip}` : "Aquantia NIC");
  const bits = [a.nic.chip && !name.includes(a.nic.chip) ? a.nic.chip : null, a.nic.interface].filter(
    (x): x is string => Boolean(x),
  );
  return bits.length > 0 ? `${name} (${bits.join(", ")})` : `${name} at ${a.nic.pciAddress}`;
}

/** The network interface name for commands, or a placeholder the user must replace. */
export function ifaceOf(a: Adapter): string {
  return a.nic.interface ?? "<interface>";
}

/** Boot options that switch DMA translation off for everything. */
const IOMMU_OFF_OPTIONS = new Set(["iommu=off", "amd_iommu=off", "intel_iommu=off"]);
/** Boot options that give trusted devices an identity (untranslated) domain. */
const PASSTHROUGH_OPTIONS = new Set(["iommu=pt", "iommu.passthrough=1", "iommu.passthrough=on"]);

/** Options that switch the IOMMU off on this machine: amd_iommu=off does nothing on Intel, and back. */
export function iommuOffOptions(d: Detection): string[] {
  const v = d.iommu.vendor;
  return d.iommu.bootOptions.filter((o) => {
    const w = o.toLowerCase();
    if (!IOMMU_OFF_OPTIONS.has(w)) return false;
    return !((w === "amd_iommu=off" && v === "intel") || (w === "intel_iommu=off" && v === "amd"));
  });
}

/** Off options for the other vendor's IOMMU: they change nothing here. */
export function foreignOffOptions(d: Detection): string[] {
  const v = d.iommu.vendor;
  return d.iommu.bootOptions.filter((o) => {
    const w = o.toLowerCase();
    return (w === "amd_iommu=off" && v === "intel") || (w === "intel_iommu=off" && v === "amd");
  });
}

export function passthroughOptions(d: Detection): string[] {
  return d.iommu.bootOptions.filter((o) => PASSTHROUGH_OPTIONS.has(o.toLowerCase()));
}

/**
 * Whether the NIC's DMA is translated by the IOMMU. The adapter's own answer wins; when it is
 * unknown, an IOMMU that is off for the whole machine still answers "no".
 */
export function translated(d: Detection, a: Adapter): boolean | null {
  if (a.iommu.translated !== null) return a.iommu.translated;
  if (d.iommu.enabled === false) return false;
  return null;
}

/** The RX page order in force: the stock driver always uses 0 even when the report left it null. */
export function pageOrder(a: Adapter): number | null {
  if (a.driver.rxPageOrder !== null) return a.driver.rxPageOrder;
  return a.driver.loaded && !a.driver.patched ? 0 : null;
}

/** The driver bound to the NIC is running (otherwise there is no interface and no page order). */
export function driverRunning(a: Adapter): boolean {
  return a.driver.loaded && a.nic.driver !== null;
}

export function iommuEvidence(d: Detection, a: Adapter): string[] {
  return [
    ev("iommu group", a.iommu.group),
    ev("iommu group type", a.iommu.type),
    ev("dma translated", translated(d, a)),
    ev("iommu enabled", d.iommu.enabled),
    `iommu boot options: ${d.iommu.bootOptions.length > 0 ? d.iommu.bootOptions.join(" ") : "none"}`,
    ev("behind thunderbolt", a.behindThunderbolt),
  ];
}
