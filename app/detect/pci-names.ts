// Known Thunderbolt PCIe switch ports (the bridges a Thunderbolt device or discrete host controller
// exposes) and product names from subsystem IDs. Sources: Linux drivers/thunderbolt/nhi.h and
// switch.c (tb_switch_get_generation), pci.ids; see docs/detection.md. Deliberately small: an unknown
// bridge is still recognised as tunnelled through `removable` and the NHI device links.

const thunderboltBridges: Record<string, string> = {
  "8086:1567": "Intel Redwood Ridge 2C Thunderbolt bridge",
  "8086:1569": "Intel Redwood Ridge 4C Thunderbolt bridge",
  "8086:156b": "Intel Falcon Ridge 2C Thunderbolt 2 bridge",
  "8086:156d": "Intel Falcon Ridge 4C Thunderbolt 2 bridge",
  "8086:157e": "Intel Win Ridge 2C Thunderbolt 2 bridge",
  "8086:1576": "Intel Alpine Ridge 2C Thunderbolt 3 bridge",
  "8086:1578": "Intel Alpine Ridge 4C Thunderbolt 3 bridge",
  "8086:15c0": "Intel JHL6240 Thunderbolt 3 bridge (Alpine Ridge LP)",
  "8086:15d3": "Intel Alpine Ridge C 4C Thunderbolt 3 bridge",
  "8086:15da": "Intel Alpine Ridge C 2C Thunderbolt 3 bridge",
  "8086:15e7": "Intel Titan Ridge 2C Thunderbolt 3 bridge",
  "8086:15ea": "Intel Titan Ridge 4C Thunderbolt 3 bridge",
  "8086:15ef": "Intel Titan Ridge DD Thunderbolt 3 bridge",
};

/** Root ports whose PCIe link is a USB4 tunnel (their link values are placeholders). */
const usb4RootPorts: Record<string, string> = {
  "1022:150a": "AMD Strix/Strix Halo PCIe USB4 bridge",
};

export function thunderboltBridgeName(vendorId: string | null, deviceId: string | null): string | null {
  if (vendorId === null || deviceId === null) return null;
  return thunderboltBridges[`${vendorId}:${deviceId}`] ?? null;
}

export function usb4RootPortName(vendorId: string | null, deviceId: string | null): string | null {
  if (vendorId === null || deviceId === null) return null;
  return usb4RootPorts[`${vendorId}:${deviceId}`] ?? null;
}

/** Adapters whose PCI subsystem IDs pci.ids names (verified entries only). */
const productsBySubsystem: Record<string, string> = {
  "16b8:72e1": "Sonnet Solo 10G Thunderbolt 3 PCIe 10Gb Ethernet Adapter",
  "1c7a:de2b": "OWC Thunderbolt 10G Ethernet Adapter",
};

export function productFromSubsystem(vendorId: string | null, deviceId: string | null): string | null {
  if (vendorId === null || deviceId === null) return null;
  return productsBySubsystem[`${vendorId}:${deviceId}`] ?? null;
}
