import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { SysRoot } from "../../sysfs/root.js";
import type { Runner, RunResult } from "../../system/runner.js";
import { CountersReportSchema, startCounterSampling } from "./index.js";
import { FileCounters } from "./sampler.js";

// A tree laid out like the kernel's: /sys/class/net/IF is a relative symlink into the PCI device.
const DEV = "sys/devices/pci0000:00/0000:00:01.2/0000:60:00.0/0000:61:01.0/0000:63:00.0/net/enp99s0";

interface State {
  cpu0: number[]; // user nice system idle iowait irq softirq steal
  cpu1: number[];
  rxBytes: number;
  rxPackets: number;
  rxDropped: number;
  retrans: number;
  outSegs: number;
  swiotlbUsed?: number;
}

function write(root: string, rel: string, text: string) {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
}

function makeTree(): string {
  const root = mkdtempSync(join(tmpdir(), "tenbolt-counters-"));
  mkdirSync(join(root, DEV, "statistics"), { recursive: true });
  mkdirSync(join(root, "sys/class/net"), { recursive: true });
  symlinkSync(`../../${DEV.slice("sys/".length)}`, join(root, "sys/class/net/enp99s0"));
  return root;
}

/** Rewrites the tree's counters, as the kernel would between two samples. */
function setState(root: string, s: State) {
  const all = s.cpu0.map((v, i) => v + (s.cpu1[i] ?? 0));
  write(
    root,
    "proc/stat",
    `cpu  ${all.join(" ")} 0 0\ncpu0 ${s.cpu0.join(" ")} 0 0\ncpu1 ${s.cpu1.join(" ")} 0 0\nintr 1 0\n`,
  );
  write(
    root,
    "proc/net/snmp",
    "Tcp: RtoAlgorithm InSegs OutSegs RetransSegs InErrs\n" + `Tcp: 1 1000 ${s.outSegs} ${s.retrans} 0\n`,
  );
  const stats: Record<string, number> = {
    rx_bytes: s.rxBytes,
    tx_bytes: 1000,
    rx_packets: s.rxPackets,
    tx_packets: 10,
    rx_dropped: s.rxDropped,
    tx_dropped: 0,
    rx_errors: 0,
    tx_errors: 0,
    rx_missed_errors: 0,
    rx_fifo_errors: 0,
    rx_crc_errors: 0,
  };
  for (const [k, v] of Object.entries(stats)) write(root, `${DEV}/statistics/${k}`, `${v}\n`);
  write(root, `${DEV}/carrier_changes`, "2\n");
  if (s.swiotlbUsed !== undefined) {
    write(root, "sys/kernel/debug/swiotlb/io_tlb_used", `${s.swiotlbUsed}\n`);
    write(root, "sys/kernel/debug/swiotlb/io_tlb_nslabs", "32768\n");
  }
}

const BASE: State = {
  cpu0: [100, 0, 100, 800, 0, 0, 0, 0],
  cpu1: [100, 0, 100, 800, 0, 0, 0, 0],
  rxBytes: 1_000_000,
  rxPackets: 1000,
  rxDropped: 0,
  retrans: 5,
  outSegs: 10_000,
};

test("FileCounters: deltas per interval from rewritten files", () => {
  const root = makeTree();
  try {
    setState(root, { ...BASE, swiotlbUsed: 0 });
    const fc = new FileCounters(new SysRoot(root), "/sys/class/net/enp99s0", 0);
    setState(root, {
      ...BASE,
      // cpu0: 100 idle ticks; cpu1: 100 ticks, 90 of them softirq.
      cpu0: [100, 0, 100, 900, 0, 0, 0, 0],
      cpu1: [105, 0, 105, 800, 0, 0, 90, 0],
      rxBytes: 1_000_000 + 1_250_000_000, // 10 Gbit in one second
      rxPackets: 1000 + 800_000,
      rxDropped: 7,
      retrans: 15,
      outSegs: 20_000,
      swiotlbUsed: 1200,
    });
    const s = fc.sample(1000, 0);
    assert.equal(s.t, 1000);
    assert.equal(s.durationMs, 1000);
    assert.equal(s.cpu.length, 2);
    assert.equal(s.cpu[1]?.softirq, 90);
    assert.equal(s.cpu[1]?.busy, 100);
    assert.equal(s.cpu[0]?.idle, 100);
    assert.equal(s.cpuAll?.softirq, 45);
    assert.equal(s.iface?.rxBytes, 1_250_000_000);
    assert.equal(s.iface?.rxBitsPerSecond, 10_000_000_000);
    assert.equal(s.iface?.rxDropped, 7);
    assert.equal(s.iface?.carrierChanges, 0);
    assert.deepEqual(s.tcp, { outSegs: 10_000, retransSegs: 10, inSegs: 0, inErrs: 0 });
    assert.deepEqual(s.swiotlb, { nslabs: 32768, used: 1200, usedHiwater: null, transientNslabs: null });
    assert.deepEqual(fc.seen, { procStat: true, iface: true, swiotlb: true, tcp: true });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("FileCounters: a reset counter gives null, a missing interface gives no iface section", () => {
  const root = makeTree();
  try {
    setState(root, BASE);
    const fc = new FileCounters(new SysRoot(root), "/sys/class/net/enp99s0", 0);
    setState(root, { ...BASE, rxBytes: 10 });
    const s = fc.sample(1000, 0);
    assert.equal(s.iface?.rxBytes, null);
    assert.equal(s.iface?.rxBitsPerSecond, null);
    assert.equal(s.swiotlb, null, "debugfs not readable");

    // A leaf that is a symlink (out of the tree) is never followed.
    rmSync(join(root, DEV, "statistics/rx_packets"));
    symlinkSync("/proc/self/stat", join(root, DEV, "statistics/rx_packets"));
    assert.equal(fc.sample(2000, 0).iface?.rxPackets, null);

    const none = new FileCounters(new SysRoot(root), "/sys/class/net/eth9", 0);
    assert.equal(none.sample(1000, 0).iface, null);
    assert.equal(none.seen.iface, false);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

/** A fake ethtool: the atlantic counters grow by `step` per call (order-0 pattern: half the buffers freed). */
function fakeEthtool(step = 100_000): Runner & { calls: string[][] } {
  let n = 0;
  const calls: string[][] = [];
  return {
    calls,
    async run(command, args): Promise<RunResult> {
      calls.push([command, ...args]);
      n++;
      const q = (name: string, v: number) =>
        `     Queue[0] ${name}: ${Math.round(v / 2)}\n     TC1 Queue[1] ${name}: ${Math.round(v / 2)}\n`;
      const stdout =
        "NIC statistics:\n     InPackets: 1\n" +
        q("PageFlips", n * step * 0.5) +
        q("PageReuses", 0) +
        q("PageFrees", n * step * 0.5) +
        q("AllocFails", 0);
      return { code: 0, signal: null, stdout, stderr: "", timedOut: false };
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("startCounterSampling: samples on a timer, ethtool once per (fake) second, summary and hints", async () => {
  const root = makeTree();
  try {
    setState(root, BASE);
    const runner = fakeEthtool();
    // 1 ms of real time = 50 ms on this clock, so a 20 ms interval is one "second".
    const clock = () => performance.now() * 50;
    const sampler = startCounterSampling({ root, iface: "enp99s0", intervalMs: 20, runner, clock });
    await sleep(130);
    const report = await sampler.stop();
    CountersReportSchema.parse(report);
    assert.ok(report.samples.length >= 3, `samples: ${report.samples.length}`);
    assert.ok(runner.calls.every((c) => c.join(" ") === "ethtool -S enp99s0"));
    assert.ok(runner.calls.length <= report.samples.length + 1);
    const withAtlantic = report.samples.filter((s) => s.atlantic !== null);
    assert.ok(withAtlantic.length >= 1);
    assert.equal(withAtlantic[0]?.atlantic?.total, 100_000);
    assert.equal(report.summary.atlantic?.pageFreesPerBuffer, 0.5);
    assert.equal(report.sources.ethtool, "ok");
    assert.ok(report.hints.some((h) => h.id === "rx-page-frees"));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("startCounterSampling: ethtool runs at most once per second however short the interval", async () => {
  const root = makeTree();
  try {
    setState(root, BASE);
    const runner = fakeEthtool();
    const sampler = startCounterSampling({ root, iface: "enp99s0", intervalMs: 10, runner });
    await sleep(120);
    const report = await sampler.stop();
    assert.ok(report.samples.length >= 3);
    assert.equal(runner.calls.length, 1, "only the baseline within the first second");
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("startCounterSampling: ethtool missing, no interface, nothing readable", async () => {
  const root = makeTree();
  try {
    setState(root, BASE);
    let calls = 0;
    const missing: Runner = {
      async run() {
        calls++;
        const spawnError = Object.assign(new Error("spawn ethtool ENOENT"), { code: "ENOENT" });
        return { code: null, signal: null, stdout: "", stderr: "", timedOut: false, spawnError };
      },
    };
    const clock = () => performance.now() * 50;
    const r1 = await (async () => {
      const s = startCounterSampling({ root, iface: "enp99s0", intervalMs: 20, runner: missing, clock });
      await sleep(80);
      return s.stop();
    })();
    assert.equal(r1.sources.ethtool, "unavailable");
    assert.equal(calls, 1, "not retried");
    assert.ok(r1.samples.every((s) => s.atlantic === null));

    const r2 = await startCounterSampling({ root, iface: null, runner: missing, clock }).stop();
    assert.equal(r2.sources.ethtool, "no-interface");
    assert.equal(r2.iface, null);

    const hostile = await startCounterSampling({ root, iface: "../../etc", runner: missing }).stop();
    assert.equal(hostile.iface, null, "an impossible interface name is never used in a path");

    const empty = mkdtempSync(join(tmpdir(), "tenbolt-empty-"));
    try {
      const s = startCounterSampling({ root: empty, iface: "enp99s0", intervalMs: 10, runner: missing });
      await sleep(40);
      const r3 = await s.stop();
      CountersReportSchema.parse(r3);
      assert.deepEqual(
        { procStat: r3.sources.procStat, iface: r3.sources.iface, tcp: r3.sources.tcp },
        { procStat: false, iface: false, tcp: false },
      );
      assert.ok(r3.samples.every((x) => x.cpu.length === 0 && x.iface === null));
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("startCounterSampling on this machine's real /proc and /sys (loopback)", async () => {
  const s = startCounterSampling({ iface: "lo", intervalMs: 30 });
  await sleep(100);
  const r = await s.stop();
  CountersReportSchema.parse(r);
  assert.ok(r.sources.procStat && r.sources.tcp && r.sources.iface);
  assert.ok(r.samples.length >= 2);
  assert.ok((r.samples[0]?.cpu.length ?? 0) >= 1);
  // Loopback has no driver statistics: ethtool says so (or is not installed).
  assert.notEqual(r.sources.ethtool, "ok");
});
