// Kernel command-line options that do not do what they seem to, or break an untrusted device.
import type { Detection, Finding } from "../../detect/report.js";
import { adapterLabel, ev, finding, foreignOffOptions, iommuOffOptions } from "../finding.js";

function unitsEvidence(d: Detection): string[] {
  const groups = d.adapters.map(
    (a) => `${a.nic.pciAddress} group ${a.iommu.group ?? "none"} ${a.iommu.type ?? ""}`,
  );
  return [
    `iommu boot options: ${d.iommu.bootOptions.join(" ") || "none"}`,
    `iommu units: ${d.iommu.units.map((u) => u.name).join(" ") || "none"}`,
    ev("iommu vendor", d.iommu.vendor),
    ...groups.map((g) => `iommu group: ${g.trim()}`),
  ];
}

/**
 * `iommu-boot-option-ignored`: an off option is on the command line, yet units and groups show the IOMMU
 * running. On Intel, platform opt-in (the DMAR table's DMA-control flag, which firmware sets for Kernel DMA
 * Protection) re-enables VT-d over iommu=off when external PCI ports exist; only intel_iommu=off also sets
 * no_platform_optin (drivers/iommu/intel/iommu.c, platform_optin_force_iommu).
 */
export function iommuBootOptionIgnored(d: Detection): Finding[] {
  const off = iommuOffOptions(d);
  if (off.length === 0 || d.iommu.enabled !== true) return [];
  const intel = d.iommu.vendor === "intel";
  const why = intel
    ? "The firmware asks for DMA protection (Intel platform opt-in, shown to users as Kernel DMA Protection) " +
      "and the machine has external Thunderbolt/USB4 ports, so the kernel keeps VT-d on despite iommu=off; " +
      "only intel_iommu=off would switch it off. That is the safe outcome: leave it on."
    : "The option did not take effect on this kernel.";
  return [
    finding(
      "iommu-boot-option-ignored",
      "info",
      `The kernel was started with ${off.join(" ")}, but the IOMMU is on`,
      `The command line asks to switch the IOMMU off, yet the IOMMU units and groups in sysfs show it running, ` +
        `so Tenbolt goes by what the kernel shows. ${why} Remove the option to avoid confusion.`,
      { actions: ["cat /proc/cmdline", "sudo dmesg | grep -i -e DMAR -e IOMMU"], evidence: unitsEvidence(d) },
    ),
  ];
}

/** `iommu-boot-option-foreign`: amd_iommu=off on an Intel machine (or intel_iommu=off on AMD) changes nothing. */
export function iommuBootOptionForeign(d: Detection): Finding[] {
  const foreign = foreignOffOptions(d);
  if (foreign.length === 0) return [];
  const here = d.iommu.vendor === "intel" ? "Intel (VT-d)" : "AMD (AMD-Vi)";
  return [
    finding(
      "iommu-boot-option-foreign",
      "info",
      `${foreign.join(" ")} has no effect on this machine`,
      `${foreign.join(" ")} is meant for the other vendor's IOMMU; this machine has an ${here} IOMMU, so the ` +
        "option is ignored and does not change DMA protection either way.",
      { actions: ["cat /proc/cmdline"], evidence: unitsEvidence(d) },
    ),
  ];
}

/**
 * `swiotlb-noforce-untrusted`: with swiotlb=noforce there are no bounce buffers, and dma-iommu.c must bounce
 * every mapping of an untrusted device that is not aligned to the IOMMU granule (iommu_dma_map_page: "DMA
 * bounce buffers are inactive, unable to map unaligned transaction"). Packet headers are never page aligned,
 * so transmit mappings fail.
 */
export function swiotlbNoforceUntrusted(d: Detection): Finding[] {
  if (!d.iommu.bootOptions.some((o) => o.toLowerCase() === "swiotlb=noforce")) return [];
  return d.adapters.flatMap((a) => {
    // Untrusted: behind Thunderbolt and in the strict DMA domain Linux forces on such devices.
    if (!a.behindThunderbolt || a.iommu.translated !== true || a.iommu.type !== "DMA") return [];
    return [
      finding(
        "swiotlb-noforce-untrusted",
        "critical",
        `${adapterLabel(a)} cannot send: swiotlb=noforce removed the bounce buffers`,
        "Linux treats this Thunderbolt adapter as untrusted and copies every DMA buffer that does not fill " +
          "whole IOMMU pages through a bounce buffer, so the device never sees the rest of the page. The kernel " +
          "was started with swiotlb=noforce, which leaves no bounce buffers, so such mappings fail (dmesg: " +
          '"DMA bounce buffers are inactive, unable to map unaligned transaction") and packets to send are ' +
          "dropped.",
        {
          subject: a.nic.pciAddress,
          actions: [
            "Remove swiotlb=noforce from the kernel command line and reboot",
            "sudo dmesg | grep -i 'bounce buffers are inactive'",
          ],
          evidence: [...unitsEvidence(d), ev("behind thunderbolt", true)],
        },
      ),
    ];
  });
}
