import { test } from "node:test";
import assert from "node:assert/strict";
import { makeAdapter, makeDetection, makeInternalAdapter } from "../../test/support/detection-factory.js";
import { historyContext } from "./context.js";
import { HistoryContextSchema } from "./schema.js";

test("historyContext: adapter, driver, page order, preset and kernel from detection", () => {
  const d = makeDetection({ adapters: [makeAdapter({ driver: { patched: true, rxPageOrder: 3 } })] });
  const c = historyContext(d, "iommu-safe-performance");
  assert.deepEqual(HistoryContextSchema.parse(c), {
    adapter: { pciAddress: "0000:63:00.0", chip: "AQC100", model: "QNAP QNA-T310G1S", interface: "enp99s0" },
    driver: { name: "atlantic", patched: true, rxPageOrder: 3 },
    preset: "iommu-safe-performance",
    kernel: "6.12.117+deb12-amd64",
  });
});

test("historyContext: picks the interface asked for, else one with a link", () => {
  const down = makeInternalAdapter({ nic: { carrier: false } });
  const up = makeAdapter();
  const d = makeDetection({ adapters: [down, up] });
  assert.equal(historyContext(d, null).adapter?.interface, "enp99s0");
  assert.equal(historyContext(d, null, "enp5s0").adapter?.interface, "enp5s0");
});

test("historyContext: no detection or no adapter gives nulls", () => {
  assert.deepEqual(historyContext(null, null), { adapter: null, driver: null, preset: null, kernel: null });
  const c = historyContext(makeDetection({ adapters: [] }), "stock");
  assert.equal(c.adapter, null);
  assert.equal(c.preset, "stock");
  assert.equal(c.kernel, "6.12.117+deb12-amd64");
});
