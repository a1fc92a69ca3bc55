import { test } from "node:test";
import assert from "node:assert/strict";
import { counterHints } from "./hints.js";
import type { CounterSample, CpuSample, IfaceSample } from "./schema.js";
import { summarize } from "./summary.js";

function core(cpu: number, busy: number, softirq = 0): CpuSample {
  return {
    cpu,
    user: busy - softirq,
    nice: 0,
    system: 0,
    idle: 100 - busy,
    iowait: 0,
    irq: 0,
    softirq,
    steal: 0,
    busy,
  };
}

const QUIET_IFACE: IfaceSample = {
  rxBytes: 1_250_000_000,
  txBytes: 1000,
  rxPackets: 800_000,
  txPackets: 10,
  rxDropped: 0,
  txDropped: 0,
  rxErrors: 0,
  txErrors: 0,
  rxMissedErrors: 0,
  rxFifoErrors: 0,
  rxCrcErrors: 0,
  carrierChanges: 0,
  rxBitsPerSecond: 10_000_000_000,
  txBitsPerSecond: 8000,
};

const { cpu: _all, ...ALL } = core(0, 35, 5);

function sample(o: Partial<CounterSample> = {}, i = 0): CounterSample {
  return {
    t: (i + 1) * 1000,
    durationMs: 1000,
    cpu: [core(0, 30), core(1, 40, 10)],
    cpuAll: ALL,
    iface: QUIET_IFACE,
    atlantic: null,
    swiotlb: null,
    tcp: { outSegs: 100_000, retransSegs: 0, inSegs: 0, inErrs: 0 },
    ...o,
  };
}

const run = (samples: CounterSample[]) => counterHints(samples, summarize(samples));
const ids = (samples: CounterSample[]) => run(samples).map((h) => h.id);

test("a quiet test gives no hints", () => {
  assert.deepEqual(ids([sample({}, 0), sample({}, 1), sample({}, 2)]), []);
  assert.deepEqual(ids([]), []);
});

test("summary: totals, maxima, weighted average", () => {
  const s = summarize([sample({ cpu: [core(0, 50), core(3, 99, 85)] }, 0), sample({}, 1)]);
  assert.deepEqual(s.maxCoreBusy, { cpu: 3, percent: 99 });
  assert.deepEqual(s.maxSoftirq, { cpu: 3, percent: 85 });
  assert.equal(s.durationSeconds, 2);
  assert.equal(s.iface?.rxBytes, 2_500_000_000);
  assert.equal(s.tcp?.retransRatio, 0);
  assert.equal(s.atlantic, null);
  assert.equal(s.avgBusyPercent, 35);
});

test("core-saturated: sustained, not a single blip", () => {
  const hot = { cpu: [core(0, 97), core(1, 20)] };
  assert.ok(ids([sample(hot, 0), sample(hot, 1), sample({}, 2)]).includes("core-saturated"));
  assert.ok(!ids([sample(hot, 0), sample({}, 1), sample({}, 2)]).includes("core-saturated"));
  const text = run([sample(hot, 0), sample(hot, 1)]).find((h) => h.id === "core-saturated")?.text ?? "";
  assert.match(text, /CPU 0/);
});

test("softirq-one-core: receive work on one core", () => {
  const soft = { cpu: [core(0, 20), core(1, 96, 85)] };
  const hints = run([sample(soft, 0), sample(soft, 1)]);
  assert.match(hints.find((h) => h.id === "softirq-one-core")?.text ?? "", /CPU 1/);
  assert.ok(!ids([sample({ cpu: [core(1, 96, 60)] }, 0)]).includes("softirq-one-core"));
});

test("tcp-retransmits: above 0.1 % with enough segments", () => {
  const lossy = { tcp: { outSegs: 100_000, retransSegs: 500, inSegs: 0, inErrs: 0 } };
  assert.ok(ids([sample(lossy)]).includes("tcp-retransmits"));
  const fine = { tcp: { outSegs: 100_000, retransSegs: 50, inSegs: 0, inErrs: 0 } };
  assert.ok(!ids([sample(fine)]).includes("tcp-retransmits"));
  const tiny = { tcp: { outSegs: 100, retransSegs: 5, inSegs: 0, inErrs: 0 } };
  assert.ok(!ids([sample(tiny)]).includes("tcp-retransmits"), "too few segments to judge");
});

test("nic-drops, rx-crc-errors, link-flap", () => {
  const bad = { iface: { ...QUIET_IFACE, rxMissedErrors: 400, rxCrcErrors: 3, carrierChanges: 2 } };
  assert.deepEqual(ids([sample(bad)]), ["nic-drops", "rx-crc-errors", "link-flap"]);
  const fewDrops = { iface: { ...QUIET_IFACE, rxDropped: 3 } };
  assert.deepEqual(ids([sample(fewDrops)]), [], "a handful of drops (unknown protocols) is noise");
});

test("rx-page-frees and rx-alloc-fails from atlantic counters", () => {
  const order0 = {
    spanMs: 1000,
    pageFlips: 50_000,
    pageReuses: 0,
    pageFrees: 50_000,
    allocFails: 0,
    total: 100_000,
  };
  assert.deepEqual(ids([sample({ atlantic: order0 })]), ["rx-page-frees"]);
  const order3 = {
    spanMs: 1000,
    pageFlips: 90_000,
    pageReuses: 4_000,
    pageFrees: 6_000,
    allocFails: 2,
    total: 100_000,
  };
  assert.deepEqual(ids([sample({ atlantic: order3 })]), ["rx-alloc-fails"]);
  assert.equal(summarize([sample({ atlantic: order3 })]).atlantic?.pageFreesPerBuffer, 0.06);
  const missing = {
    spanMs: 1000,
    pageFlips: null,
    pageReuses: null,
    pageFrees: null,
    allocFails: 0,
    total: null,
  };
  assert.equal(summarize([sample({ atlantic: missing })]).atlantic?.pageFreesPerBuffer, null);
});

test("swiotlb-bouncing only when slots are in use", () => {
  const sw = (used: number) => ({
    swiotlb: { nslabs: 32768, used, usedHiwater: null, transientNslabs: null },
  });
  assert.deepEqual(ids([sample(sw(0), 0), sample(sw(900), 1)]), ["swiotlb-bouncing"]);
  assert.deepEqual(ids([sample(sw(0))]), []);
});
