// The contract's pure pieces: helper progress as job events, the before/after comparison, the
// settings file, the CPU point beside each chart point.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { helperEventToApi } from "./helper-events.js";
import { cpuPoint } from "./speedtest-job.js";
import { compareEntries, receiverBitsPerSecond } from "../history/compare.js";
import { readSettings, writeSettings, withRecent, DEFAULT_SETTINGS, RECENT_MAX } from "../settings/store.js";
import type { HistoryEntry } from "../history/schema.js";
import type { CounterSample } from "../speedtest/counters/index.js";

test("helper events: steps, failures with their message, undo steps, text and unknown events", () => {
  assert.deepEqual(
    helperEventToApi("j", { event: "step", step: "dkms-build", status: "start", description: "dkms build" }),
    {
      type: "job.stage",
      job: "j",
      step: "dkms-build",
      description: "dkms build",
      status: "start",
    },
  );
  assert.deepEqual(
    helperEventToApi("j", { event: "step", step: "dkms-build", status: "failed", message: "make failed" }),
    {
      type: "job.stage",
      job: "j",
      step: "dkms-build",
      description: "make failed",
      status: "failed",
    },
  );
  assert.equal(helperEventToApi("j", { event: "step", step: "x", status: "weird" }), null);
  assert.deepEqual(helperEventToApi("j", { event: "rollback", step: "dkms-add", status: "undone" }), {
    type: "job.rollback",
    job: "j",
    step: "dkms-add",
    status: "undone",
  });
  assert.deepEqual(helperEventToApi("j", { event: "text", text: "make: Entering directory" }), {
    type: "job.log",
    job: "j",
    line: "make: Entering directory",
  });
  assert.match(
    (
      helperEventToApi("j", { event: "recover", journal: "/var/lib/tenbolt/journal/1.json" }) as {
        line: string;
      }
    ).line,
    /unfinished earlier run.*1\.json/,
  );
  assert.equal(helperEventToApi("j", { event: "done" }), null);
});

function entry(id: string, bps: number[], over: Partial<HistoryEntry["context"]> = {}): HistoryEntry {
  return {
    format: "tenbolt.history/1",
    id,
    savedAt: "2026-12-01T10:00:00.000Z",
    result: {
      direction: "download",
      streams: 1,
      lines: bps.map((b) => ({ receiver: { bitsPerSecond: b } })),
    },
    context: {
      adapter: {
        pciAddress: "0000:63:00.0",
        chip: "AQC100",
        model: "QNAP QNA-T310G1S",
        interface: "enp99s0",
      },
      driver: { name: "atlantic", patched: false, rxPageOrder: 0 },
      preset: null,
      kernel: "6.12.117+deb12-amd64",
      ...over,
    },
  };
}

test("comparison: receiver rates (summed for bidir), the ratio, and what changed between the runs", () => {
  const before = entry("a", [2.26e9]);
  const after = entry("b", [9.28e9], {
    driver: { name: "atlantic", patched: true, rxPageOrder: 3 },
    preset: "iommu-safe-performance",
  });
  assert.equal(receiverBitsPerSecond(entry("c", [1e9, 2e9])), 3e9);
  const c = compareEntries(before, after);
  assert.equal(c.beforeBps, 2.26e9);
  assert.equal(c.afterBps, 9.28e9);
  assert.ok(Math.abs((c.ratio ?? 0) - 9.28 / 2.26) < 1e-12);
  assert.deepEqual(c.differences, [
    "driver: stock -> patched",
    "RX page order: 0 -> 3",
    "preset: none -> iommu-safe-performance",
  ]);
  assert.equal(compareEntries(entry("z", []), after).ratio, null);
});

test("settings: defaults for a missing or damaged file, bad fields fall back, recent list bounded and unique", () => {
  const dir = mkdtempSync(join(tmpdir(), "tenbolt-settings-"));
  try {
    assert.deepEqual(readSettings(dir), DEFAULT_SETTINGS);
    writeFileSync(join(dir, "settings.json"), "{ not json");
    assert.deepEqual(readSettings(dir), DEFAULT_SETTINGS);
    writeFileSync(
      join(dir, "settings.json"),
      JSON.stringify({ schemaVersion: 1, startAtLogin: "yes", defaultServer: "nas" }),
    );
    assert.deepEqual(readSettings(dir), { ...DEFAULT_SETTINGS, defaultServer: "nas" });
    writeSettings(dir, { ...DEFAULT_SETTINGS, startHidden: true, recentServers: ["a"] });
    assert.deepEqual(readSettings(dir), { ...DEFAULT_SETTINGS, startHidden: true, recentServers: ["a"] });
    assert.deepEqual(withRecent(["a", "b", "c"], "b"), ["b", "a", "c"]);
    const many = Array.from({ length: 20 }, (_, i) => `h${i}`);
    assert.equal(withRecent(many, "new").length, RECENT_MAX);
    assert.equal(withRecent(many, "new")[0], "new");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("CPU point: the machine's system and softirq share and the busiest softirq core", () => {
  const core = (cpu: number, softirq: number) => ({
    cpu,
    user: 1,
    nice: 0,
    system: 5,
    idle: 80,
    iowait: 0,
    irq: 0,
    softirq,
    steal: 0,
    busy: 20,
  });
  const s = {
    t: 1000,
    durationMs: 1000,
    cpu: [core(0, 3), core(1, 97), core(2, 10)],
    cpuAll: { user: 1, nice: 0, system: 12, idle: 50, iowait: 0, irq: 0, softirq: 37, steal: 0, busy: 50 },
    iface: null,
    atlantic: null,
    swiotlb: null,
    tcp: null,
  } as CounterSample;
  assert.deepEqual(cpuPoint(s), { system: 12, softirq: 37, maxSoftirq: { cpu: 1, percent: 97 } });
  assert.equal(cpuPoint({ ...s, cpuAll: null }), null);
});
