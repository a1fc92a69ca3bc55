// Pairing from topology alone, on hand-built inputs: the cases fixtures do not spell out.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { PciDevice } from "./pci.js";
import { tunnelView, type TopologyInput } from "./pairing.js";
import type { TbDomain, TbRouter } from "./thunderbolt.js";

function dev(address: string, upstream: string[], o: Partial<PciDevice> = {}): PciDevice {
  return {
    address,
    path: "/sys/devices/pci0000:00/" + [...upstream].reverse().concat(address).join("/"),
    vendorId: "8086",
    deviceId: "0b26",
    subsystemVendorId: null,
    subsystemDeviceId: null,
    class: "060400",
    driver: "pcieport",
    iommuGroup: null,
    removable: true,
    link: { speed: null, width: null, maxSpeed: null, maxWidth: null },
    parent: upstream[0] ?? null,
    upstream,
    ...o,
  };
}

function router(
  device: string,
  depth: number,
  parent: string | null,
  authorized: boolean | null = true,
): TbRouter {
  return {
    device,
    domainIndex: 1,
    domain: "domain1",
    route: device.split("-")[1] as string,
    isHost: depth === 0,
    parent,
    depth,
    vendorName: null,
    deviceName: device,
    authorized,
    generation: 3,
    rxSpeed: null,
    txSpeed: null,
    rxLanes: null,
    txLanes: null,
    uniqueId: null,
  };
}

const RP = "0000:00:01.2";
const domain: TbDomain = {
  name: "domain1",
  index: 1,
  security: "user",
  dmaProtection: true,
  nhi: "0000:c5:00.6",
};

function input(devs: PciDevice[], routers: TbRouter[], linked = true): TopologyInput {
  const map = new Map(devs.map((d) => [d.address, d]));
  map.set(RP, dev(RP, [], { vendorId: "1022", deviceId: "150a", removable: null }));
  return {
    devices: map,
    domains: [domain],
    routers: [router("1-0", 0, null), ...routers],
    tunnelPorts: new Map([["domain1", linked ? [RP] : []]]),
  };
}

const nic = (address: string, upstream: string[]) =>
  dev(address, upstream, { vendorId: "1d6a", deviceId: "04c0", class: "020000", driver: "atlantic" });

test("a NIC inside the dock itself pairs with the dock, not the adapter behind it", () => {
  // Dock 1-2 has its own NIC at 62:00.0 (two bridges below the root port): depth 1.
  const dockNic = nic("0000:62:00.0", ["0000:61:01.0", "0000:60:00.0", RP]);
  const routers = [router("1-2", 1, "1-0"), router("1-502", 2, "1-2")];
  const v = tunnelView(dockNic, input([dockNic], routers));
  assert.equal(v.pairing.kind, "unique");
  assert.equal(v.pairing.kind === "unique" && v.pairing.router.device, "1-2");
});

test("an adapter with an extra internal switch still pairs with the deepest device", () => {
  // 6 bridges (expected depth 3, no such router): falls back to the deepest candidate.
  const up = [
    "0000:66:00.0",
    "0000:65:00.0",
    "0000:64:01.0",
    "0000:63:00.0",
    "0000:61:02.0",
    "0000:60:00.0",
    RP,
  ];
  const n = nic("0000:67:00.0", up);
  const v = tunnelView(n, input([n], [router("1-2", 1, "1-0"), router("1-502", 2, "1-2")]));
  assert.equal(v.pairing.kind === "unique" && v.pairing.router.device, "1-502");
});

test("two adapters side by side without depth evidence are ambiguous", () => {
  const n = nic("0000:63:00.0", ["0000:61:01.0", "0000:60:00.0", RP]);
  const v = tunnelView(n, input([n], [router("1-1", 1, "1-0"), router("1-3", 1, "1-0")]));
  assert.equal(v.pairing.kind, "ambiguous");
  assert.deepEqual(v.pairing.kind === "ambiguous" && v.pairing.candidates.map((r) => r.device), [
    "1-1",
    "1-3",
  ]);
});

test("unauthorized devices never carry a NIC; none left means no pairing", () => {
  const n = nic("0000:63:00.0", ["0000:61:01.0", "0000:60:00.0", RP]);
  const v = tunnelView(n, input([n], [router("1-2", 1, "1-0", false)]));
  assert.equal(v.behindThunderbolt, true);
  assert.equal(v.pairing.kind, "none");
});

test("an internal card is not behind Thunderbolt, even with Thunderbolt devices present", () => {
  const slot = "0000:00:01.1";
  const card = { ...nic("0000:05:00.0", [slot]), removable: null };
  const inp = input(
    [card, dev(slot, [], { vendorId: "1022", deviceId: "14db", removable: null })],
    [router("1-2", 1, "1-0")],
  );
  const v = tunnelView(card, inp);
  assert.equal(v.behindThunderbolt, false);
  assert.equal(v.pairing.kind, "none");
});
