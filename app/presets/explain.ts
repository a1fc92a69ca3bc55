// `tenbolt preset explain`: why the three well-known "fixes" are not presets. Each removes or
// weakens the protection the IOMMU gives against a device plugged into an external port.

export interface NotAPreset {
  name: string;
  what: string;
  effect: string;
  tradeOff: string;
}

export const NOT_PRESETS: NotAPreset[] = [
  {
    name: "IOMMU off (iommu=off, amd_iommu=off, intel_iommu=off)",
    what: "A kernel command-line option, read once at boot; needs a reboot either way.",
    effect: "The measured adapter reaches 9.27 Gbit/s receive, the same as the patched driver at order 3.",
    tradeOff:
      "There is no DMA protection at all: once a Thunderbolt device is authorized it can read and write any " +
      "memory of the computer, including other processes' and the kernel's. The Thunderbolt domain's " +
      "iommu_dma_protection reads 0, swiotlb bouncing stops, and the protection is gone for every device, " +
      "not just this NIC. The order-3 preset gets the same speed with all of that kept.",
  },
  {
    name: "Passthrough (iommu=pt, iommu.passthrough=1)",
    what: "A boot option that gives trusted, internal devices an identity mapping.",
    effect:
      "For this adapter: none. The kernel marks devices behind an external-facing port as untrusted and forces " +
      "them to strict DMA translation with bounce buffering whatever iommu=pt says.",
    tradeOff:
      "It removes translation for every internal device (on AMD hosts with SEV-SNP it also disables SNP) and " +
      "does not speed up the Thunderbolt NIC at all, so it is all cost and no gain here.",
  },
  {
    name: "Lazy flushing (DMA-FQ, iommu.strict=0, writing DMA-FQ to iommu_groups/N/type)",
    what:
      "Frees IOVAs in batches: unmaps are invalidated in the IOMMU through per-CPU flush queues, at the latest " +
      "about every 10 ms, instead of one synchronous invalidation per unmap.",
    effect:
      "Cheaper unmaps. iommu.strict=0 does not apply to untrusted devices (they stay strict); a runtime write of " +
      "DMA-FQ to the group is refused for untrusted devices on 6.1 and, by code reading only, accepted on 6.12.",
    tradeOff:
      "During that window the device can still reach buffers the kernel has already unmapped and may have " +
      "handed to someone else: exactly what strict mode exists to prevent for a device plugged into an external " +
      "port. Tenbolt does not offer it; the larger RX page order removes most unmaps instead of delaying them.",
  },
];

export function renderExplain(): string {
  const out = [
    "Tenbolt's presets never touch the IOMMU. These common alternatives are deliberately not presets:",
    "",
  ];
  for (const n of NOT_PRESETS) {
    out.push(`* ${n.name}`, `  What: ${n.what}`, `  Effect: ${n.effect}`, `  Trade-off: ${n.tradeOff}`, "");
  }
  out.push(
    "What the presets do instead: a larger RX page order means the driver maps and unmaps an RX page through",
    "the IOMMU once per 16 (order 3) or 8 (order 2) received 2 KiB buffers instead of once per 2; the device",
    "still reaches only the pages given to it for receiving. See docs/presets.md and docs/safety.md.",
  );
  return out.join("\n") + "\n";
}
