// The fixed preset table the root helper accepts. app/presets/catalog.ts builds the user-facing
// presets on these numbers (app may import from the helper, never the other way round).

/** atlantic's default RX descriptors per ring (AQ_CFG_RXDS_DEF, identical in 6.1 and 6.12). */
export const DRIVER_DEFAULT_RX_RING = 2048;
/** Highest order the helper will set: PAGE_ALLOC_COSTLY_ORDER; larger orders fail allocations more often. */
export const MAX_RX_PAGE_ORDER = 3;

export interface HelperPreset {
  readonly rxPageOrder: 0 | 1 | 2 | 3;
  /** RX descriptors per ring (ethtool -G IF rx N). */
  readonly rxRing: number;
  /** Needs the patched atlantic (rxpageorder parameter). */
  readonly needsPatchedDriver: boolean;
}

export const HELPER_PRESETS = {
  stock: { rxPageOrder: 0, rxRing: DRIVER_DEFAULT_RX_RING, needsPatchedDriver: false },
  // 512 x 32 KiB = 16 MiB per ring: twice stock's 8 MiB, a quarter of order 3 at default rings.
  "iommu-safe-performance": { rxPageOrder: 3, rxRing: 512, needsPatchedDriver: true },
  // 1024 x 16 KiB = 16 MiB per ring: same memory as the recommended preset, deeper ring, 8 slots per page.
  balanced: { rxPageOrder: 2, rxRing: 1024, needsPatchedDriver: true },
} as const satisfies Record<string, HelperPreset>;

export type PresetName = keyof typeof HELPER_PRESETS;
export const PRESET_NAMES = Object.keys(HELPER_PRESETS) as PresetName[];

export function isPresetName(s: string): s is PresetName {
  return Object.prototype.hasOwnProperty.call(HELPER_PRESETS, s);
}
