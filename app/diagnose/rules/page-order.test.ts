import { test } from "node:test";
import assert from "node:assert/strict";
import {
  makeAdapter,
  makeDetection,
  makeInternalAdapter,
  findingsWith,
} from "../../../test/support/detection-factory.js";

import { ringMemoryMiB } from "./page-order.js";

test("rx-page-order-low: strict DMA with the stock driver is a warning to install and apply", () => {
  const [f] = findingsWith(makeDetection(), "rx-page-order-low");
  assert.equal(f?.severity, "warning");
  assert.equal(f?.subject, "0000:63:00.0");
  assert.match(f?.detail ?? "", /quarter/);
  assert.deepEqual(f?.actions, [
    "tenbolt driver install",
    "tenbolt preset apply iommu-safe-performance --iface enp99s0",
  ]);
});

test("rx-page-order-low: a patched driver at order 1 needs only the preset", () => {
  const d = makeDetection({ adapters: [makeAdapter({ driver: { patched: true, rxPageOrder: 1 } })] });
  const [f] = findingsWith(d, "rx-page-order-low");
  assert.deepEqual(f?.actions, ["tenbolt preset apply iommu-safe-performance --iface enp99s0"]);
});

test("rx-page-order-low: a stock driver whose order was left unknown counts as order 0", () => {
  const d = makeDetection({ adapters: [makeAdapter({ driver: { rxPageOrder: null } })] });
  assert.equal(findingsWith(d, "rx-page-order-low").length, 1);
});

test("rx-page-order-low: a trusted internal card in lazy DMA-FQ mode is info only", () => {
  const [f] = findingsWith(makeDetection({ adapters: [makeInternalAdapter()] }), "rx-page-order-low");
  assert.equal(f?.severity, "info");
});

test("rx-page-order-low: the group type decides even when `strict` is unknown", () => {
  const d = makeDetection({ adapters: [makeAdapter({ iommu: { strict: null } })] });
  assert.equal(findingsWith(d, "rx-page-order-low")[0]?.severity, "warning");
});

test("rx-page-order-low: absent at order 2+, without translation, without driver, or with unknown mode", () => {
  const cases = [
    makeAdapter({ driver: { patched: true, rxPageOrder: 2 } }),
    makeAdapter({ iommu: { type: "identity", translated: false } }),
    makeAdapter({ driver: { loaded: false }, nic: { driver: null } }),
    makeAdapter({ iommu: { type: null, translated: true, strict: null } }),
    makeAdapter({ iommu: { translated: null } }),
  ];
  for (const a of cases)
    assert.equal(findingsWith(makeDetection({ adapters: [a] }), "rx-page-order-low").length, 0);
});

test("preset-active: strict translated DMA at order 2 and 3 is ok, with the memory cost", () => {
  for (const order of [2, 3]) {
    const d = makeDetection({ adapters: [makeAdapter({ driver: { patched: true, rxPageOrder: order } })] });
    const [f] = findingsWith(d, "preset-active");
    assert.equal(f?.severity, "ok");
    assert.ok(f?.evidence.includes(`rx buffer memory per default ring: ${ringMemoryMiB(order)} MiB`));
  }
  assert.equal(ringMemoryMiB(3), 64);
  assert.equal(ringMemoryMiB(3, 512), 16);
  assert.equal(ringMemoryMiB(0), 8);
});

test("preset-active: absent below order 2 or without translation", () => {
  assert.equal(findingsWith(makeDetection(), "preset-active").length, 0);
  const off = makeAdapter({
    driver: { patched: true, rxPageOrder: 3 },
    iommu: { type: null, translated: false },
  });
  assert.equal(
    findingsWith(makeDetection({ adapters: [off], iommu: { enabled: false } }), "preset-active").length,
    0,
  );
});

test("order-above-3: warns above the costly order, not at 3", () => {
  const high = makeDetection({ adapters: [makeAdapter({ driver: { patched: true, rxPageOrder: 5 } })] });
  const [f] = findingsWith(high, "order-above-3");
  assert.equal(f?.severity, "warning");
  assert.match(f?.detail ?? "", /128 KiB/);
  const three = makeDetection({ adapters: [makeAdapter({ driver: { patched: true, rxPageOrder: 3 } })] });
  assert.equal(findingsWith(three, "order-above-3").length, 0);
});

test("rx-page-order-low: an internal card strict because of iommu.strict=1 is not described as Thunderbolt", async () => {
  const { makeInternalAdapter, makeDetection, findingsWith } =
    await import("../../../test/support/detection-factory.js");
  const a = makeInternalAdapter({ iommu: { type: "DMA", translated: true, strict: true } });
  const [f] = findingsWith(
    makeDetection({ adapters: [a], iommu: { bootOptions: ["iommu.strict=1"] } }),
    "rx-page-order-low",
  );
  assert.ok(f);
  assert.doesNotMatch(f.detail, /Thunderbolt devices/);
  assert.match(f.detail, /iommu\.strict=1/);
});
