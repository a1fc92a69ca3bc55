// The contract end to end below the faces: dispatch() -> the service -> the core, on a fixture tree
// inside the root helper's fake machine, with the helper's real core playing pkexec.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { FakeWorld } from "../../test/support/fake-world.js";
import { dispatch } from "./dispatch.js";
import { createService } from "./service.js";
import type { ApiEvent, Reply } from "./contract.js";
import type { TenboltService } from "./service-deps.js";

function world(fixture?: string) {
  const w = new FakeWorld(fixture);
  const service = createService(w.deps());
  const events: ApiEvent[] = [];
  service.onEvent((e) => events.push(e));
  return { w, service, events };
}

async function ok<T = unknown>(s: TenboltService, method: string, args: unknown = {}): Promise<T> {
  const r = (await dispatch(s, method, args)) as Reply<T>;
  if (!r.ok) assert.fail(`${method} failed: ${r.error.message}`);
  return r.value;
}

async function fails(s: TenboltService, method: string, args: unknown = {}) {
  const r = await dispatch(s, method, args);
  assert.equal(r.ok, false, `${method} should fail`);
  return (r as Extract<Reply<unknown>, { ok: false }>).error;
}

test("dispatch refuses unknown calls and arguments outside the contract, before the service runs", async () => {
  const { w, service, events } = world();
  try {
    assert.match((await fails(service, "presets.delete")).message, /unknown call "presets.delete"/);
    const bad = [
      ["presets.plan", { action: "apply", name: "iommu-safe-performance", iface: "eth0; rm -rf /" }, /iface/],
      ["presets.plan", { action: "apply", name: "iommu-off", iface: "enp99s0" }, /name/],
      ["speedtest.run", { host: "127.0.0.1", direction: "download", streams: 17 }, /streams/],
      ["speedtest.run", { host: "-oProxyCommand=x", direction: "download" }, /host/],
      ["thunderbolt.authorize", { device: "../../0-1" }, /device/],
      ["driver.run", { action: "install", kernel: "../../etc" }, /kernel/],
      ["state.get", { extra: 1 }, /extra|Unrecognized/i],
    ] as const;
    for (const [method, args, re] of bad) {
      const e = await fails(service, method, args);
      assert.equal(e.kind, "usage", method);
      assert.match(e.message, re, method);
    }
    assert.equal(w.helperCalls.length, 0, "no helper call for refused arguments");
    assert.equal(events.filter((e) => e.type === "job.started").length, 0);
  } finally {
    w.cleanup();
  }
});

test("state: the reference adapter with its findings, the driver status and no preset", async () => {
  const { w, service } = world();
  try {
    const s = await ok<{
      report: { adapters: { nic: { chip: string; interface: string } }[]; findings: { id: string }[] };
      driver: { module: { patched: boolean } };
      presets: Record<string, string>;
      busy: unknown;
    }>(service, "state.get");
    assert.deepEqual(
      s.report.adapters.map((a) => [a.nic.chip, a.nic.interface]),
      [["AQC100", "enp99s0"]],
    );
    assert.ok(s.report.findings.some((f) => f.id === "rx-page-order-low"));
    assert.equal(s.driver.module.patched, false);
    assert.deepEqual(s.presets, {});
    assert.equal(s.busy, null);
  } finally {
    w.cleanup();
  }
});

test("presets: blocked without the patched driver; after install, apply and revert read back and push events", async () => {
  const { w, service, events } = world();
  try {
    type Card = {
      name: string;
      blocker: string | null;
      memory: { totalBytes: number } | null;
      active: boolean;
    };
    let cards = await ok<Card[]>(service, "presets.list");
    const perf = () => cards.find((c) => c.name === "iommu-safe-performance") as Card;
    assert.match(perf().blocker ?? "", /patched driver/);
    assert.ok((perf().memory?.totalBytes ?? 0) > 0, "memory for the adapter's queues");

    const installed = await ok<{ status: { module: { patched: boolean } } }>(service, "driver.run", {
      action: "install",
    });
    assert.equal(installed.status.module.patched, true);
    const stages = events.filter((e) => e.type === "job.stage").map((e) => e.type === "job.stage" && e.step);
    assert.ok(stages.includes("dkms-build") && stages.includes("reload-module"), stages.join(","));

    cards = await ok<Card[]>(service, "presets.list");
    assert.equal(perf().blocker, null);

    const plan = await ok<{ changes: { parameter: string; after: string }[]; noop: boolean }>(
      service,
      "presets.plan",
      { action: "apply", name: "iommu-safe-performance", iface: "enp99s0" },
    );
    assert.deepEqual(
      plan.changes.map((c) => [c.parameter, c.after]),
      [
        ["rxpageorder", "3"],
        ["RX ring (descriptors)", "512"],
      ],
    );
    const applied = await ok<{
      done: boolean;
      readBack: { rxPageOrder: number; rxRing: number; carrier: boolean };
    }>(service, "presets.run", { action: "apply", name: "iommu-safe-performance", iface: "enp99s0" });
    assert.deepEqual(applied.readBack, { rxPageOrder: 3, rxRing: 512, carrier: true });
    const state = await ok<{ presets: Record<string, string> }>(service, "state.get");
    assert.equal(state.presets.enp99s0, "iommu-safe-performance");
    cards = await ok<Card[]>(service, "presets.list");
    assert.equal(perf().active, true);

    const reverted = await ok<{ readBack: { rxPageOrder: number; rxRing: number } }>(service, "presets.run", {
      action: "revert",
      iface: "enp99s0",
    });
    assert.deepEqual([reverted.readBack.rxPageOrder, reverted.readBack.rxRing], [0, 2048]);
    const finished = events.filter((e) => e.type === "job.finished");
    assert.deepEqual(
      finished.map((e) => e.type === "job.finished" && [e.kind, e.ok]),
      [
        ["driver-install", true],
        ["preset-apply", true],
        ["preset-revert", true],
      ],
    );
  } finally {
    w.cleanup();
  }
});

test("a failing driver install reports the failed stage and each undo step", async () => {
  const { w, service, events } = world();
  try {
    w.machine.failOn = (program, args) => program === "dkms" && args[0] === "install";
    const e = await fails(service, "driver.run", { action: "install" });
    assert.equal(e.kind, "failed");
    assert.match(e.message, /rolled back/);
    const failed = events.find((x) => x.type === "job.stage" && x.status === "failed");
    assert.ok(failed && failed.type === "job.stage" && failed.step === "dkms-install");
    const undone = events
      .filter((x) => x.type === "job.rollback")
      .map((x) => x.type === "job.rollback" && x.step);
    assert.ok(undone.includes("dkms-add"), undone.join(","));
    const fin = events.find((x) => x.type === "job.finished");
    assert.ok(fin && fin.type === "job.finished" && !fin.ok && fin.error?.message === e.message);
    const status = await ok<{ module: { patched: boolean } }>(service, "driver.status");
    assert.equal(status.module.patched, false, "the stock driver is back");
  } finally {
    w.cleanup();
  }
});

test("elevation failures: a cancelled prompt and a missing helper each give their own message", async () => {
  const { w, service } = world();
  try {
    w.pkexec = "cancelled";
    const cancelled = await fails(service, "thunderbolt.authorize", { device: "1-2" });
    assert.match(cancelled.message, /cancelled; nothing was changed/);
    w.pkexec = "ok";
    w.removeHelper();
    const missing = await fails(service, "thunderbolt.authorize", { device: "1-2" });
    assert.match(missing.message, /root helper is not installed/);
    assert.equal(w.helperCalls.length, 0);
  } finally {
    w.cleanup();
  }
});

test("a captured tree is read but never acted on", async () => {
  const w = new FakeWorld();
  try {
    const service = createService(w.deps({ captured: true }));
    const info = await ok<{ captured: boolean }>(service, "app.info");
    assert.equal(info.captured, true);
    for (const [m, a] of [
      ["driver.run", { action: "install" }],
      ["presets.run", { action: "apply", name: "balanced", iface: "enp99s0" }],
      ["thunderbolt.authorize", { device: "1-2" }],
    ] as const) {
      const e = await fails(service, m, a);
      assert.match(e.message, /captured tree .*nothing on this machine is changed/, m);
    }
    assert.equal(w.helperCalls.length, 0);
  } finally {
    w.cleanup();
  }
});

test("settings: defaults, a patch, start at login refused without a desktop, kept across services", async () => {
  const { w, service } = world();
  try {
    const d = await ok<{ startAtLogin: boolean; defaultServer: string }>(service, "settings.get");
    assert.deepEqual([d.startAtLogin, d.defaultServer], [false, ""]);
    assert.match((await fails(service, "settings.set", { startAtLogin: true })).message, /desktop app/);
    assert.equal((await fails(service, "settings.set", { defaultServer: "bad host!" })).kind, "usage");
    await ok(service, "settings.set", { defaultServer: "nas.local" });
    const calls: [boolean, boolean][] = [];
    const desk = createService(w.deps({ autostart: { set: (a, b) => void calls.push([a, b]) } }));
    const s = await ok<{ startAtLogin: boolean; defaultServer: string }>(desk, "settings.set", {
      startAtLogin: true,
    });
    assert.deepEqual([s.startAtLogin, s.defaultServer], [true, "nas.local"]);
    assert.deepEqual(calls, [[true, false]]);
  } finally {
    w.cleanup();
  }
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const a = srv.address();
      srv.close(() => (a && typeof a === "object" ? resolve(a.port) : reject(new Error("no port"))));
    });
  });
}

const iperf3 = spawnSync("iperf3", ["--version"]).status === 0;
const needIperf =
  !iperf3 && process.env.CI !== "true" ? "iperf3 is not installed (apt install iperf3)" : false;

test(
  "speed test: a point per second with CPU, saved to history, recent servers, comparison",
  { skip: needIperf },
  async () => {
    const { w, service, events } = world();
    const port = await freePort();
    const server = spawn("iperf3", ["-s", "-B", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const run = () =>
        ok<{ result: { direction: string; intervals: unknown[] }; historyId: string; summary: string }>(
          service,
          "speedtest.run",
          { host: "127.0.0.1", port, direction: "download", seconds: 2 },
        );
      const first = await run();
      assert.equal(first.result.direction, "download");
      const points = events.filter((e) => e.type === "speedtest.interval");
      assert.equal(points.length, first.result.intervals.length);
      assert.ok(points.length >= 2);
      assert.ok(
        points.some((p) => p.type === "speedtest.interval" && p.cpu !== null),
        "CPU beside the points",
      );
      assert.match(first.summary, /receiver/);
      const second = await run();
      const settings = await ok<{ recentServers: string[] }>(service, "settings.get");
      assert.deepEqual(settings.recentServers, ["127.0.0.1"]);
      const history = await ok<{ id: string }[]>(service, "history.list");
      assert.deepEqual(history.map((h) => h.id).sort(), [first.historyId, second.historyId].sort());
      const cmp = await ok<{ beforeBps: number; afterBps: number; ratio: number }>(
        service,
        "history.compare",
        {
          before: first.historyId,
          after: second.historyId,
        },
      );
      assert.ok(cmp.beforeBps > 0 && cmp.afterBps > 0);
      assert.ok(Math.abs(cmp.ratio - cmp.afterBps / cmp.beforeBps) < 1e-9);
      const state = await ok<{ lastSpeedtest: { id: string } }>(service, "state.get");
      assert.equal(state.lastSpeedtest.id, history[0]?.id);
    } finally {
      server.kill();
      w.cleanup();
    }
  },
);

test(
  "speed test errors: unreachable server is one readable message; one job at a time; cancel",
  { skip: needIperf },
  async () => {
    const { w, service } = world();
    const port = await freePort();
    try {
      const e = await fails(service, "speedtest.run", {
        host: "127.0.0.1",
        port,
        direction: "download",
        seconds: 1,
      });
      assert.equal(e.kind, "failed");
      assert.match(e.message, /refused|not reachable|connect/i);
      assert.doesNotMatch(e.message, /\n\s+at /, "no stack trace");

      const server = spawn("iperf3", ["-s", "-B", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
      try {
        await new Promise((r) => setTimeout(r, 300));
        let job = "";
        service.onEvent((ev) => {
          if (ev.type === "job.started") job = ev.job;
        });
        const long = dispatch(service, "speedtest.run", {
          host: "127.0.0.1",
          port,
          direction: "upload",
          seconds: 30,
        });
        await new Promise((r) => setTimeout(r, 1200));
        const second = await fails(service, "speedtest.run", {
          host: "127.0.0.1",
          port,
          direction: "upload",
          seconds: 1,
        });
        assert.match(second.message, /busy/);
        assert.deepEqual(await ok(service, "job.cancel", { job }), { cancelled: true });
        const r = await long;
        assert.equal(r.ok, false);
      } finally {
        server.kill();
      }
    } finally {
      w.cleanup();
    }
  },
);
