// What a PCIe bridge is, for counting Thunderbolt routers between a tunnel and the NIC: a Thunderbolt/USB4
// router's own PCIe switch port (with the router generation the kernel gives that controller in
// drivers/thunderbolt/switch.c tb_switch_get_generation: 1-3 for Intel Thunderbolt 1-3 by controller ID,
// 4 for every USB4 router), a plain PCIe switch (docks put ASMedia, Pericom or PLX switches in front of
// their built-in NIC), or unknown. IDs and names: drivers/thunderbolt/nhi.h and pci.ids.

export type SwitchKind =
  | { kind: "thunderbolt"; generation: number; name: string }
  | { kind: "plain"; name: string | null }
  | { kind: "unknown" };

const THUNDERBOLT: Record<string, [generation: number, name: string]> = {
  "8086:1513": [1, "Intel Light Ridge Thunderbolt controller"],
  "8086:151a": [1, "Intel Eagle Ridge Thunderbolt controller"],
  "8086:151b": [1, "Intel Light Peak Thunderbolt controller"],
  "8086:1547": [1, "Intel Cactus Ridge 4C Thunderbolt controller"],
  "8086:1548": [1, "Intel Cactus Ridge 2C Thunderbolt controller"],
  "8086:1549": [1, "Intel Port Ridge Thunderbolt controller"],
  "8086:1567": [1, "Intel Redwood Ridge 2C Thunderbolt bridge"],
  "8086:1569": [1, "Intel Redwood Ridge 4C Thunderbolt bridge"],
  "8086:157e": [2, "Intel Win Ridge Thunderbolt 2 bridge"],
  "8086:156b": [2, "Intel Falcon Ridge 2C Thunderbolt 2 bridge"],
  "8086:156d": [2, "Intel Falcon Ridge 4C Thunderbolt 2 bridge"],
  "8086:1576": [3, "Intel Alpine Ridge 2C Thunderbolt 3 bridge"],
  "8086:1578": [3, "Intel Alpine Ridge 4C Thunderbolt 3 bridge"],
  "8086:15c0": [3, "Intel JHL6240 Thunderbolt 3 bridge (Alpine Ridge LP)"],
  "8086:15d3": [3, "Intel JHL6540 Thunderbolt 3 bridge (Alpine Ridge 4C)"],
  "8086:15da": [3, "Intel JHL6340 Thunderbolt 3 bridge (Alpine Ridge 2C)"],
  "8086:15e7": [3, "Intel JHL7540 Thunderbolt 3 bridge (Titan Ridge 2C)"],
  "8086:15ea": [3, "Intel JHL7540 Thunderbolt 3 bridge (Titan Ridge 4C)"],
  "8086:15ef": [3, "Intel JHL7440 Thunderbolt 3 bridge (Titan Ridge DD)"],
  "8086:0b26": [4, "Intel Thunderbolt 4 bridge (Goshen Ridge)"],
  "8086:1133": [4, "Intel Thunderbolt 4 bridge (Maple Ridge 2C)"],
  "8086:1136": [4, "Intel Thunderbolt 4 bridge (Maple Ridge 4C)"],
  "8086:5780": [4, "Intel JHL9580 Thunderbolt 5 bridge (Barlow Ridge host 80G)"],
  "8086:5783": [4, "Intel JHL9540 Thunderbolt 4 bridge (Barlow Ridge host 40G)"],
  "8086:5786": [4, "Intel JHL9480 Thunderbolt 5 bridge (Barlow Ridge hub 80G)"],
  "8086:57a4": [4, "Intel JHL9440 Thunderbolt 4 bridge (Barlow Ridge hub 40G)"],
  "1b21:2421": [4, "ASMedia ASM4242 USB4 host switch upstream port"],
  "1b21:2423": [4, "ASMedia ASM4242 USB4 host switch downstream port"],
  "1b21:2463": [4, "ASMedia ASM2464PD USB4 device controller"],
};

/** Vendors whose PCIe switches are plain ones (never a Thunderbolt router), apart from the IDs above. */
const PLAIN_SWITCH_VENDORS: Record<string, string> = {
  "10b5": "PLX/Broadcom PCIe switch",
  "11f8": "Microchip PCIe switch",
  "12d8": "Pericom/Diodes PCIe switch",
  "1b21": "ASMedia PCIe switch",
};

export function switchKind(vendorId: string | null, deviceId: string | null): SwitchKind {
  if (vendorId === null || deviceId === null) return { kind: "unknown" };
  const tb = THUNDERBOLT[`${vendorId}:${deviceId}`];
  if (tb) return { kind: "thunderbolt", generation: tb[0], name: tb[1] };
  const plain = PLAIN_SWITCH_VENDORS[vendorId];
  return plain ? { kind: "plain", name: plain } : { kind: "unknown" };
}

/**
 * Root ports whose link is a PCIe tunnel: everything below them is tunnelled and their link values are
 * placeholders. Intel Ice Lake and Tiger Lake are the kernel's own list (arch/x86/pci/acpi.c, for ports
 * without the "usb4-host-interface" property; also what the firmware connection manager leaves without
 * device links); Alder/Raptor Lake and AMD from pci.ids.
 */
const TUNNEL_ROOT_PORTS: Record<string, string> = {
  "1022:14cd": "AMD Family 19h USB4/Thunderbolt PCIe tunnel",
  "1022:14ef": "AMD Family 19h USB4/Thunderbolt PCIe tunnel",
  "1022:150a": "AMD Strix/Strix Halo PCIe USB4 bridge",
  "8086:8a1d": "Intel Ice Lake Thunderbolt 3 root port",
  "8086:8a1f": "Intel Ice Lake Thunderbolt 3 root port",
  "8086:8a21": "Intel Ice Lake Thunderbolt 3 root port",
  "8086:8a23": "Intel Ice Lake Thunderbolt 3 root port",
  "8086:9a23": "Intel Tiger Lake-LP Thunderbolt 4 root port",
  "8086:9a25": "Intel Tiger Lake-LP Thunderbolt 4 root port",
  "8086:9a27": "Intel Tiger Lake-LP Thunderbolt 4 root port",
  "8086:9a29": "Intel Tiger Lake-LP Thunderbolt 4 root port",
  "8086:9a2b": "Intel Tiger Lake-H Thunderbolt 4 root port",
  "8086:9a2d": "Intel Tiger Lake-H Thunderbolt 4 root port",
  "8086:9a2f": "Intel Tiger Lake-H Thunderbolt 4 root port",
  "8086:9a31": "Intel Tiger Lake-H Thunderbolt 4 root port",
  "8086:461f": "Intel Alder Lake-P Thunderbolt 4 root port",
  "8086:462f": "Intel Alder Lake-P Thunderbolt 4 root port",
  "8086:463f": "Intel Alder Lake-P Thunderbolt 4 root port",
  "8086:466e": "Intel Alder Lake-P Thunderbolt 4 root port",
  "8086:a71f": "Intel Raptor Lake-P Thunderbolt 4 root port",
  "8086:a72f": "Intel Raptor Lake-P Thunderbolt 4 root port",
  "8086:a76e": "Intel Raptor Lake-P Thunderbolt 4 root port",
};

export function tunnelRootPortName(vendorId: string | null, deviceId: string | null): string | null {
  if (vendorId === null || deviceId === null) return null;
  return TUNNEL_ROOT_PORTS[`${vendorId}:${deviceId}`] ?? null;
}

export function thunderboltSwitchName(vendorId: string | null, deviceId: string | null): string | null {
  const k = switchKind(vendorId, deviceId);
  return k.kind === "thunderbolt" ? k.name : null;
}
