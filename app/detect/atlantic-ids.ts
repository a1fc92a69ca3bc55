// The PCI IDs the atlantic driver binds (drivers/net/ethernet/aquantia/atlantic, aq_pci_func.c
// aq_pci_tbl, identical in Linux 6.1 and 6.12; see docs/detection.md). The in-tree table matches
// vendor 0x1d6a only; the map is keyed by vendor so another vendor's IDs can be added as a line.

export interface AtlanticChip {
  /** Marketing name of the chip ("AQC100S"), or the kernel macro's name for pre-production IDs. */
  chip: string;
  /** Line rate the chip is sold for, from its product name; null when the ID says nothing about it. */
  maxSpeedMbps: number | null;
  /** Which hardware ops the driver uses: first-generation A0/B0, B1, or ATL2 (Antigua). */
  family: "A0/B0" | "B1" | "ATL2";
}

export const AQUANTIA_VENDOR_ID = "1d6a";

const aquantia: Record<string, AtlanticChip> = {
  // First-generation / engineering IDs (AQ_DEVICE_ID_0001, _D100.._D109): A0 or B0 silicon.
  "0001": { chip: "Atlantic 0001", maxSpeedMbps: null, family: "A0/B0" },
  d100: { chip: "AQC100 (D100)", maxSpeedMbps: 10000, family: "A0/B0" },
  d107: { chip: "AQC107 (D107)", maxSpeedMbps: 10000, family: "A0/B0" },
  d108: { chip: "AQC108 (D108)", maxSpeedMbps: 5000, family: "A0/B0" },
  d109: { chip: "AQC109 (D109)", maxSpeedMbps: 2500, family: "A0/B0" },
  // B1 (Atlantic): AQC1xx and the "S" variants.
  "00b1": { chip: "AQC100", maxSpeedMbps: 10000, family: "B1" },
  "07b1": { chip: "AQC107", maxSpeedMbps: 10000, family: "B1" },
  "08b1": { chip: "AQC108", maxSpeedMbps: 5000, family: "B1" },
  "09b1": { chip: "AQC109", maxSpeedMbps: 2500, family: "B1" },
  "11b1": { chip: "AQC111", maxSpeedMbps: 5000, family: "B1" },
  "12b1": { chip: "AQC112", maxSpeedMbps: 2500, family: "B1" },
  "80b1": { chip: "AQC100S", maxSpeedMbps: 10000, family: "B1" },
  "87b1": { chip: "AQC107S", maxSpeedMbps: 10000, family: "B1" },
  "88b1": { chip: "AQC108S", maxSpeedMbps: 5000, family: "B1" },
  "89b1": { chip: "AQC109S", maxSpeedMbps: 2500, family: "B1" },
  "91b1": { chip: "AQC111S", maxSpeedMbps: 5000, family: "B1" },
  "92b1": { chip: "AQC112S", maxSpeedMbps: 2500, family: "B1" },
  // ATL2 (Antigua).
  "00c0": { chip: "AQC113DEV", maxSpeedMbps: 10000, family: "ATL2" },
  "94c0": { chip: "AQC113CS", maxSpeedMbps: 10000, family: "ATL2" },
  "93c0": { chip: "AQC114CS", maxSpeedMbps: 5000, family: "ATL2" },
  "04c0": { chip: "AQC113", maxSpeedMbps: 10000, family: "ATL2" },
  "14c0": { chip: "AQC113C", maxSpeedMbps: 10000, family: "ATL2" },
  "12c0": { chip: "AQC115C", maxSpeedMbps: 2500, family: "ATL2" },
  "34c0": { chip: "AQC113CA", maxSpeedMbps: 10000, family: "ATL2" },
  "11c0": { chip: "AQC116C", maxSpeedMbps: 1000, family: "ATL2" },
};

const byVendor: Record<string, Record<string, AtlanticChip>> = { [AQUANTIA_VENDOR_ID]: aquantia };

/** The chip behind a PCI ID pair (lower-case hex, no 0x), or null when atlantic would not bind it. */
export function atlanticChip(vendorId: string | null, deviceId: string | null): AtlanticChip | null {
  if (vendorId === null || deviceId === null) return null;
  return byVendor[vendorId]?.[deviceId] ?? null;
}

/** Vendor names for the few PCI vendors a report mentions. */
export const PCI_VENDOR_NAMES: Record<string, string> = {
  "1d6a": "Aquantia (Marvell)",
  "8086": "Intel",
  "1022": "AMD",
};
