import { test } from "node:test";
import assert from "node:assert/strict";
import {
  actionOf,
  addPoint,
  backoff,
  bySeverity,
  dmaProtectionText,
  emptyChart,
  errorText,
  formatBps,
  formatBytes,
  formatLinkSpeed,
  socketUrl,
} from "../../renderer/logic.js";

test("a finding's command maps to the matching flow", () => {
  assert.deepEqual(actionOf("tenbolt thunderbolt authorize 1-2"), {
    kind: "authorize",
    device: "1-2",
    label: "Authorize Thunderbolt device 1-2",
  });
  assert.equal(actionOf("tenbolt driver install")?.kind, "driver");
  assert.deepEqual(actionOf("tenbolt preset apply iommu-safe-performance --iface enp99s0"), {
    kind: "preset",
    preset: "iommu-safe-performance",
    iface: "enp99s0",
    label: "Apply the preset iommu-safe-performance",
  });
  assert.equal(actionOf("sudo dmesg | grep -i atlantic"), null);
});

test("rates are printed in iperf3's decimal units", () => {
  assert.equal(formatBps(9.41e9), "9.41 Gbits/sec");
  assert.equal(formatBps(2.3e9), "2.30 Gbits/sec");
  assert.equal(formatBps(940e6), "940 Mbits/sec");
  assert.equal(formatBps(0), "0.00 bits/sec");
});

test("bytes, link speed and DMA protection in plain words", () => {
  assert.equal(formatBytes(8 * 1024 * 1024), "8 MiB");
  assert.equal(formatBytes(1536), "1.5 KiB");
  assert.equal(formatLinkSpeed(10000, true), "10 Gbit/s");
  assert.match(formatLinkSpeed(10000, false), /No link/);
  assert.match(dmaProtectionText(true, "DMA"), /^On/);
  assert.match(dmaProtectionText(false, "identity"), /^Off/);
  assert.match(dmaProtectionText(null, null), /Cannot tell/);
});

test("findings sort critical first", () => {
  const s = bySeverity([
    { severity: "ok" },
    { severity: "critical" },
    { severity: "info" },
    { severity: "warning" },
  ]);
  assert.deepEqual(
    s.map((f) => f.severity),
    ["critical", "warning", "info", "ok"],
  );
});

test("chart data gains one point per new second and ignores repeats", () => {
  let d = emptyChart();
  d = addPoint(d, 1, 9.4e9, { system: 12, softirq: 30 });
  d = addPoint(d, 2, 9.3e9, null);
  d = addPoint(d, 2, 1e9, null);
  assert.deepEqual(d, [
    [1, 2],
    [9.4, 9.3],
    [12, null],
    [30, null],
  ]);
});

test("errors read as one line with the hint", () => {
  assert.equal(errorText({ error: { message: "Cancelled.", hint: "Try again." } }), "Cancelled. Try again.");
  assert.equal(errorText(new Error("boom")), "boom");
});

test("the socket URL keeps the origin and the token", () => {
  assert.equal(socketUrl("http://127.0.0.1:4000/?token=abc"), "ws://127.0.0.1:4000/api?token=abc");
  assert.equal(socketUrl("https://h:1/x"), "wss://h:1/api");
  assert.equal(backoff(0), 500);
  assert.equal(backoff(10), 10_000);
});
