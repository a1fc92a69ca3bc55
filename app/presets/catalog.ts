// The presets as data, tuned-style: what each sets, what it should do, what it costs in safety,
// and how it is undone. The numbers come from the root helper's fixed table, so the two can never
// disagree about what a name means.
import { HELPER_PRESETS, PRESET_NAMES, type PresetName } from "../../driver/helper/presets.js";

export type { PresetName };
export { PRESET_NAMES };

export interface Preset {
  name: PresetName;
  title: string;
  recommended: boolean;
  rxPageOrder: 0 | 1 | 2 | 3;
  rxRing: number;
  needsPatchedDriver: boolean;
  summary: string;
  expectedEffect: string;
  securityImpact: string;
  /** What `tenbolt preset revert` does afterwards. */
  revert: string;
}

const REVERT =
  "puts back the modprobe.d file, the RX page order and the RX ring size that were there before the first preset";

export const PRESETS: Record<PresetName, Preset> = {
  stock: {
    name: "stock",
    title: "Stock",
    recommended: false,
    ...HELPER_PRESETS.stock,
    summary:
      "What the kernel does without Tenbolt: RX page order 0 and the driver's default 2048 RX descriptors.",
    expectedEffect:
      "Behind an IOMMU-translated Thunderbolt link, receive stays near 2.3 Gbit/s: every second 2 KiB buffer " +
      "costs a strict IOMMU unmap and map. Sending is unaffected.",
    securityImpact:
      "None: the IOMMU, bounce buffering and strict invalidation stay exactly as the kernel set them.",
    revert: REVERT,
  },
  "iommu-safe-performance": {
    name: "iommu-safe-performance",
    title: "IOMMU-safe performance (recommended)",
    recommended: true,
    ...HELPER_PRESETS["iommu-safe-performance"],
    summary:
      "Patched atlantic at RX page order 3 (32 KiB pages, 16 buffers per page) with 512 RX descriptors, so RX " +
      "buffer memory stays close to stock.",
    expectedEffect:
      "Up to eight times fewer IOMMU map/unmap calls on receive; the measured adapter went from 2.26 to 9.28 " +
      "Gbit/s with the IOMMU on (measured at order 3 with default rings). 512 posted buffers per ring instead of " +
      "2048 keep the memory near stock; if `ethtool -S` shows InDroppedDma growing under bursts, use balanced.",
    securityImpact:
      "The IOMMU stays on and strict. The device can write into whole 32 KiB RX pages instead of 4 KiB ones, " +
      "but only pages the driver gave it for receiving; no other memory becomes reachable.",
    revert: REVERT,
  },
  balanced: {
    name: "balanced",
    title: "Balanced",
    recommended: false,
    ...HELPER_PRESETS.balanced,
    summary:
      "Patched atlantic at RX page order 2 (16 KiB pages, 8 buffers per page) with 1024 RX descriptors.",
    expectedEffect:
      "Four times fewer IOMMU map/unmap calls than stock, a deeper ring for bursty traffic, the same RX buffer " +
      "memory as the recommended preset. Order 2 is also what the driver uses with XDP.",
    securityImpact: "As for iommu-safe-performance, with 16 KiB pages: the IOMMU stays on and strict.",
    revert: REVERT,
  },
};

export function presetList(): Preset[] {
  return PRESET_NAMES.map((n) => PRESETS[n]);
}
