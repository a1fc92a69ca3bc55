import { test } from "node:test";
import assert from "node:assert/strict";
import { PRESETS } from "./catalog.js";
import { plan, renderDryRun, renderPlan, revertPlan } from "./plan.js";
import type { LinkSnapshot } from "./snapshot.js";

const stockSnapshot: LinkSnapshot = {
  iface: "enp99s0",
  patched: true,
  moduleLoaded: true,
  rxPageOrder: 0,
  rxRing: 2048,
  rxRingMax: 8184,
  layout: { vecs: 8, tcs: 1, ptp: false },
  carrier: true,
  modprobeConf: null,
  udevRule: null,
  ethtoolPath: "/usr/sbin/ethtool",
  helperState: null,
};

test("plan for iommu-safe-performance: order 0->3, ring 2048->512, two files created, memory 64 -> 128 MiB", () => {
  const p = plan(PRESETS["iommu-safe-performance"], stockSnapshot);
  assert.deepEqual(p.changes, [
    { parameter: "rxpageorder", before: "0", after: "3" },
    { parameter: "RX ring (descriptors)", before: "2048", after: "512" },
  ]);
  assert.deepEqual(
    p.files.map((f) => [f.path, f.before, /rxpageorder=3|rx 512/.test(f.after ?? "")]),
    [
      ["/etc/modprobe.d/tenbolt.conf", null, true],
      ["/etc/udev/rules.d/81-tenbolt-atlantic-rings.rules", null, true],
    ],
  );
  assert.equal(p.memory.before.totalBytes, 64 * 1024 * 1024);
  assert.equal(p.memory.after.totalBytes, 128 * 1024 * 1024);
  assert.equal(p.flapsLink, true);
  assert.equal(p.blocker, null);
  assert.deepEqual(p.helperArgs, ["apply-preset", "iommu-safe-performance", "--iface", "enp99s0"]);
  assert.match(renderPlan(p), /rxpageorder: 0 -> 3/);
  assert.match(
    renderDryRun(p),
    /^pkexec \/usr\/lib\/tenbolt\/tenbolt-helper apply-preset iommu-safe-performance --iface enp99s0$/m,
  );
  assert.match(renderDryRun(p), /ethtool -G enp99s0 rx 512/);
});

test("plan on the stock driver is blocked for patched presets and a no-op for stock", () => {
  const s = { ...stockSnapshot, patched: false };
  assert.match(plan(PRESETS.balanced, s).blocker ?? "", /tenbolt driver install/);
  const p = plan(PRESETS.stock, s);
  assert.equal(p.blocker, null);
  assert.equal(p.noop, true);
  assert.equal(p.flapsLink, false);
});

test("same ring, different order: the plan flaps the link with ip", () => {
  const p = plan(PRESETS["iommu-safe-performance"], { ...stockSnapshot, rxRing: 512 });
  assert.ok(p.steps.some((s) => s.startsWith("ip link set dev enp99s0 down")));
});

test("the ring is clamped to the device's maximum", () => {
  const p = plan(PRESETS.stock, { ...stockSnapshot, rxRing: 512, rxRingMax: 1024 });
  assert.deepEqual(p.changes, [{ parameter: "RX ring (descriptors)", before: "512", after: "1024" }]);
});

test("revert plan goes back to the recorded before-state, files byte for byte", () => {
  const mine = "# my own line\n";
  const applied: LinkSnapshot = {
    ...stockSnapshot,
    rxPageOrder: 3,
    rxRing: 512,
    modprobeConf: "options atlantic rxpageorder=3\n",
    udevRule: "rule\n",
    helperState: {
      schemaVersion: 1,
      drivers: {},
      presets: {
        enp99s0: {
          name: "iommu-safe-performance",
          appliedAt: "2026-11-26T12:00:00.000Z",
          rxPageOrder: 3,
          rxRing: 512,
          before: {
            modprobeConf: { content: Buffer.from(mine).toString("base64"), mode: 0o644 },
            udevRule: { content: null, mode: null },
            rxPageOrder: 0,
            rxRing: 2048,
          },
        },
      },
    },
  };
  const p = revertPlan(applied);
  assert.deepEqual(p.changes, [
    { parameter: "rxpageorder", before: "3", after: "0" },
    { parameter: "RX ring (descriptors)", before: "512", after: "2048" },
  ]);
  assert.deepEqual(p.files, [
    { path: "/etc/modprobe.d/tenbolt.conf", before: "options atlantic rxpageorder=3\n", after: mine },
    { path: "/etc/udev/rules.d/81-tenbolt-atlantic-rings.rules", before: "rule\n", after: null },
  ]);
  assert.equal(revertPlan(stockSnapshot).noop, true);
});
