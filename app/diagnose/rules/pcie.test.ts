import { test } from "node:test";
import assert from "node:assert/strict";
import {
  makeAdapter,
  makeAmbiguousThunderbolt,
  makeDetection,
  makeInternalAdapter,
  findingsWith,
} from "../../../test/support/detection-factory.js";

import { pcieGbps } from "./pcie.js";

test("pcie-link-tunnel-artifact: explains the fake link and shows the Thunderbolt link", () => {
  const [f] = findingsWith(makeDetection(), "pcie-link-tunnel-artifact");
  assert.equal(f?.severity, "info");
  assert.match(f?.detail ?? "", /limited by 2\.5 GT\/s PCIe x1/);
  assert.match(f?.detail ?? "", /2 lane\(s\) at 20\.0 Gb\/s/);
  // The placeholder belongs to the port the tunnel enters, not to the NIC's own (real) link.
  assert.match(f?.detail ?? "", /downstream port, 0000:00:01\.2\)/);
  assert.match(f?.detail ?? "", /own link inside the adapter \(8\.0 GT\/s PCIe x4\) is real/);
  assert.equal(findingsWith(makeDetection(), "pcie-link-slow").length, 0);
});

test("pcie-link-slow: a genuinely slow NIC link inside a Thunderbolt adapter is still reported", () => {
  const slow = makeAdapter({ nic: { pcieLink: { speed: "2.5 GT/s PCIe", width: 1 } } });
  const [f] = findingsWith(makeDetection({ adapters: [slow] }), "pcie-link-slow");
  assert.equal(f?.severity, "warning");
  assert.match(f?.title ?? "", /inside the adapter/);
  assert.doesNotMatch(f?.detail ?? "", /slot/);
});

test("pcie-link-tunnel-artifact: an ambiguous pairing quotes no device's link speed", () => {
  const a = makeAdapter({ thunderbolt: makeAmbiguousThunderbolt(["1-1", "1-2"]) });
  const [f] = findingsWith(makeDetection({ adapters: [a] }), "pcie-link-tunnel-artifact");
  assert.ok(f);
  assert.doesNotMatch(f.detail, /20\.0 Gb\/s/);
  assert.deepEqual(f.actions, ["boltctl list"]);
  assert.ok(!f.evidence.some((e) => e.startsWith("thunderbolt rx")), f.evidence.join("; "));
});

test("pcie-link-tunnel-artifact: absent for a card in a slot", () => {
  assert.equal(
    findingsWith(makeDetection({ adapters: [makeInternalAdapter()] }), "pcie-link-tunnel-artifact").length,
    0,
  );
});

test("pcieGbps: line coding per generation", () => {
  assert.equal(pcieGbps("2.5 GT/s PCIe", 1), 2);
  assert.equal(pcieGbps("5.0 GT/s PCIe", 4), 16);
  assert.ok(Math.abs((pcieGbps("8.0 GT/s PCIe", 1) ?? 0) - 7.877) < 0.01);
  assert.equal(pcieGbps("Unknown", 1), null);
  assert.equal(pcieGbps(null, 4), null);
  assert.equal(pcieGbps("8.0 GT/s PCIe", 0), null);
});

test("pcie-link-slow: an AQC107 at PCIe 3.0 x1 in a slot", () => {
  const a = makeInternalAdapter({
    nic: {
      chip: "AQC107",
      pcieLink: { speed: "8.0 GT/s PCIe", width: 1, maxSpeed: "8.0 GT/s PCIe", maxWidth: 4 },
    },
  });
  const [f] = findingsWith(makeDetection({ adapters: [a] }), "pcie-link-slow");
  assert.equal(f?.severity, "warning");
  assert.match(f?.detail ?? "", /more lanes/);
});

test("pcie-link-slow: absent for PCIe 4.0 x1, 3.0 x2, unknown values", () => {
  for (const link of [
    { speed: "16.0 GT/s PCIe", width: 1 },
    { speed: "8.0 GT/s PCIe", width: 2 },
    { speed: null, width: null },
  ]) {
    const a = makeInternalAdapter({ nic: { pcieLink: link } });
    assert.equal(
      findingsWith(makeDetection({ adapters: [a] }), "pcie-link-slow").length,
      0,
      JSON.stringify(link),
    );
  }
  assert.equal(findingsWith(makeDetection({ adapters: [makeAdapter()] }), "pcie-link-slow").length, 0);
});
