// Detection on every fixture: the facts scripts and the diagnosis rely on.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { detect } from "./detect.js";
import { DetectionSchema } from "./report.js";

const FIXTURES = fileURLToPath(new URL("../../../test/fixtures/", import.meta.url));

interface Expected {
  adapters: {
    address: string;
    chip: string;
    iface: string | null;
    model: string | null;
    tb: {
      device: string | null;
      authorized: boolean | null;
      pairing: "unique" | "ambiguous";
      candidates?: string[];
    } | null;
    behindThunderbolt: boolean;
    group: number | null;
    type: string | null;
    translated: boolean | null;
    strict: boolean | null;
    patched: boolean;
    order: number | null;
    speed: number | null;
    carrier: boolean | null;
    mtu: number | null;
  }[];
  pending: string[];
  iommu: { enabled: boolean | null; vendor: string | null; bootOptions: string[] };
  domains: { name: string; security: string | null; dmaProtection: boolean | null }[];
  secureBoot: boolean | null;
  lockdown: string | null;
}

const strixDomains = [
  { name: "domain0", security: "user", dmaProtection: true },
  { name: "domain1", security: "user", dmaProtection: true },
];
const qnap = {
  address: "0000:63:00.0",
  chip: "AQC100",
  iface: "enp99s0",
  model: "QNAP QNA-T310G1S",
  tb: { device: "1-2", authorized: true, pairing: "unique" as const },
  behindThunderbolt: true,
  group: 20,
  type: "DMA",
  translated: true,
  strict: true,
  patched: false,
  order: 0,
  speed: 10000,
  carrier: true,
  mtu: 1500,
};
const amdIommu = { enabled: true, vendor: "amd", bootOptions: [] };

const cases: Record<string, Expected> = {
  "amd-strix-qna-t310g1s-stock": {
    adapters: [qnap],
    pending: [],
    iommu: amdIommu,
    domains: strixDomains,
    secureBoot: false,
    lockdown: "none",
  },
  "amd-strix-qna-t310g1s-patched": {
    adapters: [{ ...qnap, patched: true, order: 3 }],
    pending: [],
    iommu: amdIommu,
    domains: strixDomains,
    secureBoot: true,
    lockdown: "integrity",
  },
  "tb-not-authorized": {
    adapters: [],
    pending: ["1-2"],
    iommu: amdIommu,
    domains: strixDomains,
    secureBoot: false,
    lockdown: "none",
  },
  "amd-strix-dock-aqc113-chain": {
    adapters: [
      {
        ...qnap,
        address: "0000:65:00.0",
        chip: "AQC113",
        iface: "enp101s0",
        model: "Example Adapters Ltd. TB3 10GbE AQC113",
        tb: { device: "1-502", authorized: true, pairing: "unique" },
        group: 21,
      },
    ],
    pending: [],
    iommu: amdIommu,
    domains: strixDomains,
    secureBoot: false,
    lockdown: "none",
  },
  "amd-strix-ambiguous-pairing": {
    adapters: [
      {
        ...qnap,
        model: null, // DROM names are not used when the carrier is not known for sure
        // No one candidate's facts: device and authorized are null, each candidate listed once.
        tb: { device: null, authorized: null, pairing: "ambiguous", candidates: ["0-1", "1-2"] },
      },
    ],
    pending: [],
    iommu: amdIommu,
    domains: strixDomains,
    secureBoot: false,
    lockdown: "none",
  },
  "intel-sonnet-solo10g-iommu-off": {
    adapters: [
      {
        ...qnap,
        address: "0000:0a:00.0",
        chip: "AQC107S",
        iface: "enp10s0",
        model: "Sonnet Technologies, Inc. Solo 10G",
        tb: { device: "0-1", authorized: true, pairing: "unique" },
        group: null,
        type: null,
        translated: false,
        strict: false,
      },
    ],
    pending: [],
    iommu: { enabled: false, vendor: "intel", bootOptions: ["iommu=off"] },
    domains: [{ name: "domain0", security: "user", dmaProtection: false }],
    secureBoot: false,
    lockdown: "none",
  },
  "desktop-aqc113-pcie": {
    adapters: [
      {
        ...qnap,
        address: "0000:05:00.0",
        chip: "AQC113",
        iface: "enp5s0",
        model: null,
        tb: null,
        behindThunderbolt: false,
        group: 3,
        type: "DMA-FQ",
        translated: true,
        strict: false,
        mtu: 9000,
      },
    ],
    pending: [],
    iommu: { enabled: true, vendor: "amd", bootOptions: ["amd_iommu=on"] },
    domains: [],
    secureBoot: false,
    lockdown: "none",
  },
  "laptop-no-adapter": {
    adapters: [],
    pending: [],
    iommu: { enabled: true, vendor: "intel", bootOptions: [] },
    domains: [{ name: "domain0", security: "user", dmaProtection: true }],
    secureBoot: true,
    lockdown: "integrity",
  },
};

for (const [name, want] of Object.entries(cases)) {
  test(`detect: ${name}`, () => {
    const d = detect(FIXTURES + name);
    DetectionSchema.parse(d);
    const got = d.adapters.map((a) => ({
      address: a.nic.pciAddress,
      chip: a.nic.chip,
      iface: a.nic.interface,
      model: a.model,
      tb: a.thunderbolt && {
        device: a.thunderbolt.device,
        authorized: a.thunderbolt.authorized,
        pairing: a.thunderbolt.pairing,
        ...(a.thunderbolt.pairing === "ambiguous" ? { candidates: a.thunderbolt.candidates } : {}),
      },
      behindThunderbolt: a.behindThunderbolt,
      group: a.iommu.group,
      type: a.iommu.type,
      translated: a.iommu.translated,
      strict: a.iommu.strict,
      patched: a.driver.patched,
      order: a.driver.rxPageOrder,
      speed: a.nic.linkSpeedMbps,
      carrier: a.nic.carrier,
      mtu: a.nic.mtu,
    }));
    assert.deepEqual(got, want.adapters);
    assert.deepEqual(
      d.pendingThunderbolt.map((p) => p.device),
      want.pending,
    );
    assert.deepEqual(
      { enabled: d.iommu.enabled, vendor: d.iommu.vendor, bootOptions: d.iommu.bootOptions },
      want.iommu,
    );
    assert.deepEqual(d.thunderbolt.domains, want.domains);
    assert.equal(d.security.secureBoot, want.secureBoot);
    assert.equal(d.security.lockdown, want.lockdown);
    for (const a of d.adapters) assert.equal(a.nic.pcieLink.tunneled, a.behindThunderbolt);
  });
}

test("detect: the JHL6240 bridges and the USB4 root port form the PCI path of the reference adapter", () => {
  const d = detect(FIXTURES + "amd-strix-qna-t310g1s-stock");
  const a = d.adapters[0];
  assert.ok(a);
  assert.deepEqual(
    a.path.map((h) => [h.pciAddress, h.role]),
    [
      ["0000:61:01.0", "thunderbolt-bridge"],
      ["0000:60:00.0", "thunderbolt-bridge"],
      ["0000:00:01.2", "root-port"],
    ],
  );
  assert.equal(a.nic.driver, "atlantic");
  assert.equal(a.nic.mac, "24:5e:be:00:00:01");
  assert.equal(a.thunderbolt?.generation, 3);
  assert.equal(a.thunderbolt?.rxSpeed, "20.0 Gb/s");
  assert.equal(a.thunderbolt?.rxLanes, 2);
  assert.deepEqual(Object.keys(a.driver.parameters).sort(), ["aq_itr", "aq_itr_rx", "aq_itr_tx"]);
  // The onboard Realtek NIC is not an atlantic adapter.
  assert.equal(d.adapters.length, 1);
});

test("detect: a host-to-host (XDomain) connection is not a Thunderbolt device", () => {
  const d = detect(FIXTURES + "laptop-no-adapter");
  assert.deepEqual(d.thunderboltDevices, []);
  assert.deepEqual(d.pendingThunderbolt, []);
});

test("detect: the dock in front of the adapter is listed but does not carry the NIC", () => {
  const d = detect(FIXTURES + "amd-strix-dock-aqc113-chain");
  assert.deepEqual(
    d.thunderboltDevices.map((t) => [t.device, t.authorized]),
    [
      ["1-2", true],
      ["1-502", true],
    ],
  );
  assert.equal(d.adapters[0]?.thunderbolt?.device, "1-502");
});
