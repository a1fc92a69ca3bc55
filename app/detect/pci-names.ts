// Product names from PCI subsystem IDs (pci.ids). Thunderbolt switch ports and tunnel root ports are in
// tb-switches.ts.

/** Adapters whose PCI subsystem IDs pci.ids names (verified entries only). */
const productsBySubsystem: Record<string, string> = {
  "16b8:72e1": "Sonnet Solo 10G Thunderbolt 3 PCIe 10Gb Ethernet Adapter",
  "1c7a:de2b": "OWC Thunderbolt 10G Ethernet Adapter",
};

export function productFromSubsystem(vendorId: string | null, deviceId: string | null): string | null {
  if (vendorId === null || deviceId === null) return null;
  return productsBySubsystem[`${vendorId}:${deviceId}`] ?? null;
}
