import { test } from "node:test";
import assert from "node:assert/strict";
import {
  makeAdapter,
  makeDetection,
  makeInternalAdapter,
  findingsWith,
} from "../../../test/support/detection-factory.js";

const untranslated = { iommu: { group: null, type: null, translated: false, strict: null } };

test("iommu-off: iommu=off with a Thunderbolt adapter is critical and points to the preset", () => {
  const d = makeDetection({
    adapters: [makeAdapter(untranslated)],
    iommu: { enabled: false, vendor: null, units: [], bootOptions: ["iommu=off"] },
  });
  const [f, ...rest] = findingsWith(d, "iommu-off");
  assert.equal(rest.length, 0);
  assert.equal(f?.severity, "critical");
  assert.match(f?.detail ?? "", /DMA attack/);
  assert.match(f?.detail ?? "", /iommu=off/);
  assert.ok(f?.actions.some((a) => a.includes("Remove iommu=off")));
  assert.ok(f?.actions.includes("tenbolt preset apply iommu-safe-performance --iface enp99s0"));
  // No page-order advice for untranslated DMA: the cause is elsewhere.
  assert.equal(findingsWith(d, "rx-page-order-low").length, 0);
  assert.equal(findingsWith(d, "preset-active").length, 0);
});

test("iommu-off: an identity domain on a Thunderbolt adapter (port not marked external)", () => {
  const d = makeDetection({
    adapters: [makeAdapter({ iommu: { type: "identity", translated: false, strict: null } })],
  });
  const [f] = findingsWith(d, "iommu-off");
  assert.equal(f?.severity, "critical");
  assert.match(f?.detail ?? "", /external/);
  assert.ok(f?.actions.some((a) => a.includes("firmware")));
});

test("iommu-off: translated unknown but IOMMU disabled for the machine", () => {
  const d = makeDetection({
    adapters: [makeAdapter({ iommu: { group: null, type: null, translated: null, strict: null } })],
    iommu: { enabled: false },
  });
  assert.equal(findingsWith(d, "iommu-off").length, 1);
});

test("iommu-off: an internal card is covered when the IOMMU is off everywhere", () => {
  const d = makeDetection({
    adapters: [makeInternalAdapter(untranslated)],
    iommu: { enabled: false, bootOptions: ["amd_iommu=off"] },
  });
  assert.equal(findingsWith(d, "iommu-off").length, 1);
  assert.equal(findingsWith(d, "iommu-passthrough").length, 0);
});

test("iommu-off: absent with translated DMA, or for an internal passthrough card", () => {
  assert.equal(findingsWith(makeDetection(), "iommu-off").length, 0);
  const pt = makeDetection({
    adapters: [makeInternalAdapter({ iommu: { type: "identity", translated: false, strict: null } })],
    iommu: { bootOptions: ["iommu=pt"] },
  });
  assert.equal(findingsWith(pt, "iommu-off").length, 0);
});

test("iommu-passthrough: an internal card in an identity domain while the IOMMU runs", () => {
  const d = makeDetection({
    adapters: [makeInternalAdapter({ iommu: { type: "identity", translated: false, strict: null } })],
    iommu: { bootOptions: ["iommu=pt"] },
  });
  const [f] = findingsWith(d, "iommu-passthrough");
  assert.equal(f?.severity, "info");
  assert.match(f?.detail ?? "", /iommu=pt/);
});

test("iommu-passthrough: absent for translated internal cards and for Thunderbolt adapters", () => {
  assert.equal(
    findingsWith(makeDetection({ adapters: [makeInternalAdapter()] }), "iommu-passthrough").length,
    0,
  );
  const tb = makeDetection({ adapters: [makeAdapter({ iommu: { type: "identity", translated: false } })] });
  assert.equal(findingsWith(tb, "iommu-passthrough").length, 0);
});

test("iommu-lazy-external: a Thunderbolt adapter switched to DMA-FQ", () => {
  const d = makeDetection({ adapters: [makeAdapter({ iommu: { type: "DMA-FQ", strict: false } })] });
  const [f] = findingsWith(d, "iommu-lazy-external");
  assert.equal(f?.severity, "warning");
  assert.match(f?.detail ?? "", /switched/, "the reference path has removable bridges: switched at runtime");
  const unmarked = makeAdapter({
    iommu: { type: "DMA-FQ", strict: false },
    path: makeAdapter().path.map((h) => ({ ...h, removable: false })),
  });
  const [g] = findingsWith(makeDetection({ adapters: [unmarked] }), "iommu-lazy-external");
  assert.match(g?.detail ?? "", /does not\s+seem to mark this Thunderbolt port as external/);
  // Lazy mode is cheap, so the page-order advice drops to info.
  assert.equal(findingsWith(d, "rx-page-order-low")[0]?.severity, "info");
});

test("iommu-lazy-external: absent for strict Thunderbolt adapters and lazy internal cards", () => {
  assert.equal(findingsWith(makeDetection(), "iommu-lazy-external").length, 0);
  assert.equal(
    findingsWith(makeDetection({ adapters: [makeInternalAdapter()] }), "iommu-lazy-external").length,
    0,
  );
});
