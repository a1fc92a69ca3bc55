// Pairing from topology alone, on hand-built inputs: the cases fixtures do not spell out.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { PciDevice } from "./pci.js";
import { depthEvidence, tunnelView, type TopologyInput } from "./pairing.js";
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
    hotplug: null,
    ...o,
  };
}

function router(device: string, depth: number, parent: string | null, o: Partial<TbRouter> = {}): TbRouter {
  return {
    device,
    domainIndex: Number(device.split("-")[0]),
    domain: `domain${device.split("-")[0]}`,
    route: device.split("-")[1] as string,
    isHost: depth === 0,
    parent,
    depth,
    vendorName: null,
    deviceName: device,
    authorized: true,
    generation: 3,
    rxSpeed: null,
    txSpeed: null,
    rxLanes: null,
    txLanes: null,
    uniqueId: null,
    ...o,
  };
}

const RP = "0000:00:01.2";
const domain1: TbDomain = {
  name: "domain1",
  index: 1,
  security: "user",
  dmaProtection: true,
  nhi: "0000:c5:00.6",
};

function input(devs: PciDevice[], routers: TbRouter[], linked = true): TopologyInput {
  const map = new Map(devs.map((d) => [d.address, d]));
  if (!map.has(RP)) map.set(RP, dev(RP, [], { vendorId: "1022", deviceId: "150a", removable: null }));
  return {
    devices: map,
    domains: [domain1],
    routers: [router("1-0", 0, null, { generation: 4 }), ...routers],
    tunnelPorts: new Map([["domain1", linked ? [RP] : []]]),
  };
}

const nic = (address: string, upstream: string[], o: Partial<PciDevice> = {}) =>
  dev(address, upstream, { vendorId: "1d6a", deviceId: "04c0", class: "020000", driver: "atlantic", ...o });
const kindOf = (v: ReturnType<typeof tunnelView>) =>
  v.pairing.kind === "unique"
    ? v.pairing.router.device
    : v.pairing.kind === "ambiguous"
      ? v.pairing.candidates.map((r) => r.device)
      : "none";

/** A TB4 dock (Goshen Ridge 0b26) 1-2 with an adapter 1-502 (Titan Ridge DD 15ef) behind it. */
const dockRouters = () => [
  router("1-2", 1, "1-0", { generation: 4 }),
  router("1-502", 2, "1-2", { generation: 3 }),
];
const gr = (a: string, up: string[], o: Partial<PciDevice> = {}) => dev(a, up, { deviceId: "0b26", ...o });

test("a dock's own NIC behind its ASMedia switch pairs with the dock, not the adapter behind it", () => {
  // RP > 0b26 up/down (dock) > ASM1182e up/down (plain switch) > NIC: four bridges, one router.
  const up = ["0000:63:01.0", "0000:62:00.0", "0000:61:02.0", "0000:60:00.0", RP];
  const devs = [
    gr("0000:60:00.0", [RP]),
    gr("0000:61:02.0", up.slice(3)),
    dev("0000:62:00.0", up.slice(2), { vendorId: "1b21", deviceId: "1182" }),
    dev("0000:63:01.0", up.slice(1), { vendorId: "1b21", deviceId: "1182" }),
  ];
  const n = nic("0000:64:00.0", up);
  assert.equal(kindOf(tunnelView(n, input([...devs, n], dockRouters()))), "1-2");
  // The same four bridges as a second router (Titan Ridge DD) belong to the adapter behind the dock.
  devs[2] = dev("0000:62:00.0", up.slice(2), { deviceId: "15ef" });
  devs[3] = dev("0000:63:01.0", up.slice(1), { deviceId: "15ef" });
  assert.equal(kindOf(tunnelView(n, input([...devs, n], dockRouters()))), "1-502");
});

test("an unknown switch below a router port is a router only with hot-plug evidence; else ambiguous", () => {
  const up = ["0000:63:01.0", "0000:62:00.0", "0000:61:02.0", "0000:60:00.0", RP];
  const unknown = { vendorId: "1e4c", deviceId: "0001" };
  const devs = (hotplug: boolean | null) => [
    gr("0000:60:00.0", [RP]),
    gr("0000:61:02.0", up.slice(3), { hotplug }),
    dev("0000:62:00.0", up.slice(2), unknown),
    dev("0000:63:01.0", up.slice(1), unknown),
  ];
  const n = nic("0000:64:00.0", up);
  assert.deepEqual(kindOf(tunnelView(n, input([...devs(null), n], dockRouters()))), ["1-2", "1-502"]);
  assert.equal(kindOf(tunnelView(n, input([...devs(true), n], dockRouters()))), "1-502");
});

test("depth evidence: a plain switch ends the routers, an odd chain gives none", () => {
  const up = ["0000:63:01.0", "0000:62:00.0", "0000:61:02.0", "0000:60:00.0", RP];
  const devs = new Map(
    [
      gr("0000:60:00.0", [RP]),
      gr("0000:61:02.0", up.slice(3)),
      dev("0000:62:00.0", up.slice(2), { vendorId: "12d8", deviceId: "2304" }),
      dev("0000:63:01.0", up.slice(1), { vendorId: "12d8", deviceId: "2304" }),
    ].map((d) => [d.address, d]),
  );
  assert.deepEqual(depthEvidence(nic("0000:64:00.0", up), 4, devs), { min: 1, max: 1, generations: [4] });
  assert.equal(depthEvidence(nic("0000:62:00.0", up.slice(2)), 2, devs)?.min, 1);
  assert.equal(depthEvidence(nic("0000:63:00.0", up.slice(1)), 3, devs), null);
});

test("a USB4 display hub beside a JHL6240 adapter is not a candidate (generation does not fit)", () => {
  const up = ["0000:61:01.0", "0000:60:00.0", RP];
  const devs = [
    dev("0000:60:00.0", [RP], { deviceId: "15c0" }),
    dev("0000:61:01.0", up.slice(1), { deviceId: "15c0" }),
  ];
  const n = nic("0000:63:00.0", up, { deviceId: "00b1" });
  const display = router("1-1", 1, "1-0", { generation: 4, deviceName: "USB4 Display" });
  const qnap = router("1-3", 1, "1-0", { generation: 3 });
  assert.equal(kindOf(tunnelView(n, input([...devs, n], [display, qnap], false))), "1-3");
  // Two Thunderbolt 3 devices side by side fit equally well: ambiguous, never one of them picked.
  const ssd = router("1-1", 1, "1-0", { generation: 3 });
  assert.deepEqual(kindOf(tunnelView(n, input([...devs, n], [ssd, qnap], false))), ["1-1", "1-3"]);
});

test("routers in a nopcie/dponly domain, or not authorized, never carry a NIC", () => {
  const up = ["0000:61:01.0", "0000:60:00.0", RP];
  const devs = [
    dev("0000:60:00.0", [RP], { deviceId: "15c0" }),
    dev("0000:61:01.0", up.slice(1), { deviceId: "15c0" }),
  ];
  const n = nic("0000:63:00.0", up);
  const other: TbDomain = {
    name: "domain0",
    index: 0,
    security: "dponly",
    dmaProtection: true,
    nhi: "0000:c5:00.5",
  };
  const inp = input(
    [...devs, n],
    [router("1-3", 1, "1-0"), router("0-1", 1, "0-0", { authorized: null })],
    false,
  );
  inp.domains = [other, domain1];
  assert.equal(kindOf(tunnelView(n, inp)), "1-3");
  const denied = input([...devs, n], [router("1-3", 1, "1-0", { authorized: false })]);
  assert.equal(kindOf(tunnelView(n, denied)), "none");
  assert.equal(tunnelView(n, denied).behindThunderbolt, true);
  // An unreadable `authorized` (the kernel does not hide it on user-level domains) stays a candidate.
  assert.equal(
    kindOf(tunnelView(n, input([...devs, n], [router("1-3", 1, "1-0", { authorized: null })]))),
    "1-3",
  );
});

test("a discrete Maple Ridge host without device links: the shared host switch gives domain and depth", () => {
  const root = "0000:00:1c.4";
  const mr = { deviceId: "1136", removable: null };
  const devs = [
    dev(root, [], { deviceId: "a334", removable: null }),
    dev("0000:05:00.0", [root], mr),
    dev("0000:06:00.0", ["0000:05:00.0", root], mr),
    dev("0000:06:01.0", ["0000:05:00.0", root], mr),
    dev("0000:07:00.0", ["0000:06:00.0", "0000:05:00.0", root], { deviceId: "1137", class: "0c0340" }),
    dev("0000:08:00.0", ["0000:06:01.0", "0000:05:00.0", root], { deviceId: "15c0" }),
    dev("0000:09:01.0", ["0000:08:00.0", "0000:06:01.0", "0000:05:00.0", root], { deviceId: "15c0" }),
  ];
  const n = nic("0000:0a:00.0", ["0000:09:01.0", "0000:08:00.0", "0000:06:01.0", "0000:05:00.0", root]);
  const d0: TbDomain = {
    name: "domain0",
    index: 0,
    security: "user",
    dmaProtection: true,
    nhi: "0000:07:00.0",
  };
  const inp: TopologyInput = {
    devices: new Map([...devs, n].map((d) => [d.address, d])),
    domains: [d0],
    routers: [router("0-0", 0, null, { generation: 4 }), router("0-1", 1, "0-0")],
    tunnelPorts: new Map([["domain0", []]]),
  };
  const v = tunnelView(n, inp);
  assert.equal(kindOf(v), "0-1");
  assert.equal(v.tunnelPort, "0000:06:01.0");
});

test("an Ice Lake Thunderbolt root port (firmware connection manager, no links) is a tunnel boundary", () => {
  const root = "0000:00:07.0";
  const devs = [
    dev(root, [], { deviceId: "8a1d", removable: null }),
    dev("0000:01:00.0", [root], { deviceId: "15c0" }),
    dev("0000:02:01.0", ["0000:01:00.0", root], { deviceId: "15c0" }),
  ];
  // Unknown IDs (an adapter's own switch we do not list) right below the tunnel port still count.
  const n = nic("0000:03:00.0", ["0000:02:01.0", "0000:01:00.0", root], { removable: null });
  const d0: TbDomain = {
    name: "domain0",
    index: 0,
    security: "user",
    dmaProtection: true,
    nhi: "0000:00:0d.2",
  };
  const inp: TopologyInput = {
    devices: new Map([...devs, n].map((d) => [d.address, d])),
    domains: [d0],
    routers: [router("0-0", 0, null), router("0-1", 1, "0-0"), router("0-301", 2, "0-1")],
    tunnelPorts: new Map(),
  };
  const v = tunnelView(n, inp);
  assert.equal(v.behindThunderbolt, true);
  assert.equal(v.tunnelPort, root);
  assert.equal(kindOf(v), "0-1");
  devs[1] = dev("0000:01:00.0", [root], { vendorId: "1e4c", deviceId: "0001" });
  devs[2] = dev("0000:02:01.0", ["0000:01:00.0", root], { vendorId: "1e4c", deviceId: "0001" });
  assert.equal(
    kindOf(tunnelView(n, { ...inp, devices: new Map([...devs, n].map((d) => [d.address, d])) })),
    "0-1",
  );
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
