import { test } from "node:test";
import assert from "node:assert/strict";
import { buffersPerPage, bytesPerRing, driverVecs, MIB, rxMemory } from "./memory.js";
import { PRESETS } from "./catalog.js";

// domain.md 1.4: order -> [per ring at 2048, per NIC 8 rings, 8 + PTP, per ring at 512, 8 rings, 8 + PTP] in MiB.
const TABLE: [number, number[]][] = [
  [0, [8, 64, 72, 2, 16, 18]],
  [1, [16, 128, 144, 4, 32, 36]],
  [2, [32, 256, 288, 8, 64, 72]],
  [3, [64, 512, 576, 16, 128, 144]],
];

test("reproduces the memory table of domain.md 1.4", () => {
  for (const [order, row] of TABLE) {
    const got: number[] = [];
    for (const rxds of [2048, 512]) {
      got.push(bytesPerRing(order, rxds) / MIB);
      got.push(rxMemory(order, rxds, { vecs: 8, tcs: 1, ptp: false }).totalBytes / MIB);
      got.push(rxMemory(order, rxds, { vecs: 8, tcs: 1, ptp: true }).totalBytes / MIB);
    }
    assert.deepEqual(got, row, `order ${order}`);
  }
});

test("rings = vectors x traffic classes (+ PTP)", () => {
  assert.equal(rxMemory(0, 2048, { vecs: 4, tcs: 2, ptp: true }).rings, 9);
  assert.equal(rxMemory(0, 2048, { vecs: 4, tcs: 1, ptp: false }).rings, 4);
});

test("the recommended preset keeps RX memory at 16 MiB per ring, a quarter of order 3 at default rings", () => {
  const p = PRESETS["iommu-safe-performance"];
  assert.equal(bytesPerRing(p.rxPageOrder, p.rxRing) / MIB, 16);
  assert.equal(bytesPerRing(3, 2048) / bytesPerRing(p.rxPageOrder, p.rxRing), 4);
  assert.equal(buffersPerPage(p.rxPageOrder), 16);
  assert.equal(bytesPerRing(PRESETS.balanced.rxPageOrder, PRESETS.balanced.rxRing) / MIB, 16);
});

test("vector count follows the driver: min(8, CPUs, MSI-X - 1), down to a power of two", () => {
  assert.equal(driverVecs(32, 33), 8);
  assert.equal(driverVecs(6, 33), 4);
  assert.equal(driverVecs(16, 4), 2);
  assert.equal(driverVecs(1, 2), 1);
});

test("orders outside 0..3 are refused", () => {
  assert.throws(() => bytesPerRing(4, 512), RangeError);
});
