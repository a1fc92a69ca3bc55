import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { classify, readSnapshot, type Snapshot } from "./snapshot.js";
import { debouncer, isUdevEvent, startHotplugWatcher, summarize, type Clock } from "./watcher.js";

/** A clock whose time moves only when the test says so. */
function fakeClock() {
  let now = 0;
  let next = 1;
  const timers = new Map<number, { at: number; fn: () => void; every: number | null }>();
  const clock: Clock = {
    setTimeout: (fn, ms) => (timers.set(next, { at: now + ms, fn, every: null }), next++),
    clearTimeout: (h) => void timers.delete(h as number),
    setInterval: (fn, ms) => (timers.set(next, { at: now + ms, fn, every: ms }), next++),
    clearInterval: (h) => void timers.delete(h as number),
  };
  function advance(ms: number) {
    const end = now + ms;
    for (;;) {
      const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      const [id, t] = due;
      now = t.at;
      if (t.every === null) timers.delete(id);
      else t.at += t.every;
      t.fn();
    }
    now = end;
  }
  return { clock, advance };
}

const empty: Snapshot = { tb: {}, net: {} };

test("classify: plugged, unplugged, authorized, link up and down", () => {
  const dev = { tb: { "0-1": { authorized: "0", name: "QNA-T310G1S" } }, net: {} };
  assert.deepEqual(classify(empty, dev), [{ change: "added", text: "QNA-T310G1S (0-1) connected" }]);
  assert.deepEqual(classify(dev, empty), [{ change: "removed", text: "QNA-T310G1S disconnected" }]);
  const auth = { tb: { "0-1": { authorized: "1", name: "QNA-T310G1S" } }, net: {} };
  assert.deepEqual(classify(dev, auth), [{ change: "authorized", text: "QNA-T310G1S (0-1) authorized" }]);
  const down = { tb: {}, net: { enp99s0: { carrier: false, operstate: "down" } } };
  const up = { tb: {}, net: { enp99s0: { carrier: true, operstate: "up" } } };
  assert.deepEqual(classify(down, up), [{ change: "link-up", text: "enp99s0: link up" }]);
  assert.deepEqual(classify(up, down), [{ change: "link-down", text: "enp99s0: link down" }]);
  assert.deepEqual(classify(up, up), []);
  // Unplug of the whole adapter: the device removal ranks before the interface going away.
  const both = { tb: auth.tb, net: up.net };
  assert.deepEqual(
    classify(both, empty).map((c) => c.change),
    ["removed", "removed"],
  );
  assert.equal(
    summarize(classify(empty, both))?.text,
    "QNA-T310G1S (0-1) connected; Interface enp99s0 appeared",
  );
  assert.equal(summarize([]), null);
});

test("udev lines that trigger a re-read", () => {
  assert.ok(
    isUdevEvent(
      "UDEV  [12345.678901] add      /devices/pci0000:00/0000:00:0d.2/domain0/0-0/0-1 (thunderbolt)",
    ),
  );
  assert.ok(isUdevEvent("UDEV  [12345.678901] change   /devices/virtual/net/enp99s0 (net)"));
  assert.ok(!isUdevEvent("KERNEL[12345.678901] add      /devices/x (thunderbolt)"));
  assert.ok(!isUdevEvent("monitor will print the received events for:"));
  assert.ok(!isUdevEvent("UDEV  [1.0] add      /devices/x (usb)"));
});

test("debounce: a burst becomes one call, after the quiet period", () => {
  const { clock, advance } = fakeClock();
  let calls = 0;
  const d = debouncer(clock, 500, () => calls++);
  d.trigger();
  advance(300);
  d.trigger();
  advance(300);
  d.trigger();
  advance(499);
  assert.equal(calls, 0);
  advance(1);
  assert.equal(calls, 1);
  d.trigger();
  d.cancel();
  advance(1000);
  assert.equal(calls, 1);
});

test("watcher: udev lines and the 2 s poll each lead to one debounced change", () => {
  const { clock, advance } = fakeClock();
  let snap: Snapshot = empty;
  const seen: string[] = [];
  let emit: (l: string) => void = () => undefined;
  let stopped = false;
  const w = startHotplugWatcher({
    root: "/",
    clock,
    read: () => snap,
    source: (onLine) => ((emit = onLine), { stop: () => void (stopped = true) }),
    onChange: (c, t) => seen.push(`${c}: ${t}`),
  });
  snap = { tb: { "0-1": { authorized: "1", name: null } }, net: {} };
  emit("UDEV  [1.0] add      /devices/domain0/0-0/0-1 (thunderbolt)");
  emit("UDEV  [1.1] change   /devices/domain0/0-0/0-1 (thunderbolt)");
  advance(500);
  assert.deepEqual(seen, ["added: Thunderbolt device 0-1 connected"]);
  snap = { tb: snap.tb, net: { enp99s0: { carrier: true, operstate: "up" } } };
  advance(2500); // no uevent for carrier: the poll finds it
  assert.deepEqual(seen.slice(1), ["added: Interface enp99s0 appeared"]);
  advance(10_000);
  assert.equal(seen.length, 2); // nothing changed, nothing reported
  w.stop();
  assert.ok(stopped);
});

test("snapshot of a sysfs tree: thunderbolt devices with authorized, interfaces with carrier", () => {
  const root = mkdtempSync(join(tmpdir(), "tenbolt-hotplug-"));
  try {
    const dev = join(root, "sys/devices/pci0000:00/0000:00:0d.2/domain0/0-0/0-1");
    mkdirSync(dev, { recursive: true });
    writeFileSync(join(dev, "authorized"), "0\n");
    writeFileSync(join(dev, "device_name"), "QNA-T310G1S\n");
    mkdirSync(join(root, "sys/devices/pci0000:00/0000:00:0d.2/domain0"), { recursive: true });
    mkdirSync(join(root, "sys/bus/thunderbolt/devices"), { recursive: true });
    symlinkSync(
      "../../../devices/pci0000:00/0000:00:0d.2/domain0/0-0/0-1",
      join(root, "sys/bus/thunderbolt/devices/0-1"),
    );
    symlinkSync(
      "../../../devices/pci0000:00/0000:00:0d.2/domain0",
      join(root, "sys/bus/thunderbolt/devices/domain0"),
    );
    const net = join(root, "sys/devices/pci0000:00/0000:63:00.0/net/enp99s0");
    mkdirSync(net, { recursive: true });
    writeFileSync(join(net, "carrier"), "1\n");
    writeFileSync(join(net, "operstate"), "up\n");
    mkdirSync(join(root, "sys/class/net/lo"), { recursive: true });
    symlinkSync("../../devices/pci0000:00/0000:63:00.0/net/enp99s0", join(root, "sys/class/net/enp99s0"));
    const before = readSnapshot(root);
    assert.deepEqual(before, {
      tb: { "0-1": { authorized: "0", name: "QNA-T310G1S" } },
      net: { enp99s0: { carrier: true, operstate: "up" } },
    });
    writeFileSync(join(dev, "authorized"), "1\n");
    writeFileSync(join(net, "carrier"), "0\n");
    writeFileSync(join(net, "operstate"), "down\n");
    assert.deepEqual(
      classify(before, readSnapshot(root)).map((c) => c.change),
      ["authorized", "link-down"],
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
