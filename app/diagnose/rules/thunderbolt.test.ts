import { test } from "node:test";
import assert from "node:assert/strict";
import {
  makeAdapter,
  makeAmbiguousThunderbolt,
  makeDetection,
  makePending,
  findingsWith,
} from "../../../test/support/detection-factory.js";

test("tb-not-authorized: one finding per pending device, with boltctl and tenbolt actions", () => {
  const d = makeDetection({
    adapters: [],
    pendingThunderbolt: [
      makePending({ device: "1-2", uniqueId: "abc-123" }),
      makePending({ device: "0-1", uniqueId: null }),
    ],
  });
  const fs = findingsWith(d, "tb-not-authorized");
  assert.deepEqual(
    fs.map((f) => f.subject),
    ["1-2", "0-1"],
  );
  assert.equal(fs[0]?.severity, "warning");
  assert.ok(fs[0]?.actions.includes("boltctl authorize abc-123"));
  assert.ok(fs[0]?.actions.includes("tenbolt thunderbolt authorize 1-2"));
  // Without a UUID the user is pointed to `boltctl list` to find it.
  assert.ok(fs[1]?.actions.includes("boltctl list"));
});

test("tb-not-authorized: absent when nothing is pending", () => {
  assert.equal(findingsWith(makeDetection(), "tb-not-authorized").length, 0);
});

test("tb-pairing-ambiguous: fires for an ambiguous pairing and names each candidate once", () => {
  const d = makeDetection({
    adapters: [makeAdapter({ thunderbolt: makeAmbiguousThunderbolt(["1-1", "1-2"]) })],
  });
  const [f] = findingsWith(d, "tb-pairing-ambiguous");
  assert.equal(f?.severity, "info");
  assert.match(f?.detail ?? "", /1-1 or 1-2/);
  assert.equal(f?.detail.match(/1-2/g)?.length, 1, f?.detail);
  // No one candidate is presented as the chosen one.
  assert.ok(!f?.evidence.some((e) => e.startsWith("chosen")), f?.evidence.join("; "));
  // The product name may be the other device's: findings name the chip instead.
  assert.ok(!f?.title.includes("QNA-T310G1S"), f?.title);
  assert.match(f?.title ?? "", /Aquantia AQC100/);
});

test("tb-pairing-ambiguous: absent for a unique pairing or an internal card", () => {
  assert.equal(findingsWith(makeDetection(), "tb-pairing-ambiguous").length, 0);
  const internal = makeAdapter({ behindThunderbolt: false, thunderbolt: null });
  assert.equal(findingsWith(makeDetection({ adapters: [internal] }), "tb-pairing-ambiguous").length, 0);
});

test("tb-no-dma-protection: fires for the adapter's domain only", () => {
  const d = makeDetection({
    thunderbolt: {
      domains: [
        { name: "domain0", security: "user", dmaProtection: false },
        { name: "domain1", security: "user", dmaProtection: false },
      ],
    },
  });
  const fs = findingsWith(d, "tb-no-dma-protection");
  assert.deepEqual(
    fs.map((f) => f.subject),
    ["domain1"],
  );
  assert.equal(fs[0]?.severity, "warning");
});

test("tb-no-dma-protection: also for a pending device", () => {
  const d = makeDetection({
    adapters: [],
    pendingThunderbolt: [makePending({ domain: "domain0" })],
    thunderbolt: { domains: [{ name: "domain0", security: "user", dmaProtection: false }] },
  });
  assert.equal(findingsWith(d, "tb-no-dma-protection").length, 1);
});

test("tb-no-dma-protection: absent when protected, without a Thunderbolt adapter, or when the IOMMU is off", () => {
  assert.equal(findingsWith(makeDetection(), "tb-no-dma-protection").length, 0);
  const unprotected = { domains: [{ name: "domain1", security: "user", dmaProtection: false }] };
  const internal = makeAdapter({ behindThunderbolt: false, thunderbolt: null });
  assert.equal(
    findingsWith(makeDetection({ adapters: [internal], thunderbolt: unprotected }), "tb-no-dma-protection")
      .length,
    0,
  );
  const off = makeDetection({
    thunderbolt: unprotected,
    iommu: { enabled: false, bootOptions: ["iommu=off"] },
    adapters: [makeAdapter({ iommu: { group: null, type: null, translated: false, strict: null } })],
  });
  assert.equal(findingsWith(off, "tb-no-dma-protection").length, 0);
  assert.equal(findingsWith(off, "iommu-off").length, 1);
});

test("tb-pcie-disabled: fires for dponly/usbonly/nopcie, not for user/secure/none", () => {
  for (const security of ["dponly", "usbonly", "nopcie"]) {
    const d = makeDetection({
      adapters: [],
      thunderbolt: { domains: [{ name: "domain0", security, dmaProtection: true }] },
    });
    assert.equal(findingsWith(d, "tb-pcie-disabled").length, 1, security);
  }
  for (const security of ["user", "secure", "none", null]) {
    const d = makeDetection({
      thunderbolt: { domains: [{ name: "domain0", security, dmaProtection: true }] },
    });
    assert.equal(findingsWith(d, "tb-pcie-disabled").length, 0, String(security));
  }
});
