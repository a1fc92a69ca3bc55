import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { runHelper } from "./run.js";
import { runOnFake } from "./testing/run-fake.js";
import type { JournalRecord } from "./journal.js";
import { FakeMachine, IFACE } from "./testing/fake-machine.js";

const WATCHED = ["/etc", "/var/lib/tenbolt/state.json", "/sys/module/atlantic/parameters"];

const helper = runOnFake;

function lastJournal(m: FakeMachine): JournalRecord {
  const dir = m.p("/var/lib/tenbolt/journal");
  const name = readdirSync(dir).sort().at(-1) as string;
  return JSON.parse(readFileSync(`${dir}/${name}`, "utf8")) as JournalRecord;
}

test("apply iommu-safe-performance: modprobe.d, parameter, ring 512, carrier; revert restores everything", async () => {
  const m = new FakeMachine();
  try {
    m.loadPatched(0);
    m.write("/etc/modprobe.d/tenbolt.conf", "# mine\n");
    const before = m.snapshot(WATCHED);
    const r = await helper(m, ["apply-preset", "iommu-safe-performance", "--iface", IFACE]);
    assert.equal(r.code, 0, JSON.stringify(r.last));
    assert.match(m.read("/etc/modprobe.d/tenbolt.conf") as string, /^options atlantic rxpageorder=3$/m);
    assert.match(
      m.read("/etc/udev/rules.d/81-tenbolt-atlantic-rings.rules") as string,
      /RUN\+="\/usr\/sbin\/ethtool -G \$name rx 512"/,
    );
    assert.equal(m.read("/sys/module/atlantic/parameters/rxpageorder"), "3\n");
    assert.equal(m.ring, 512);
    assert.equal(m.orderInEffect, 3);
    assert.ok(m.carrier);
    assert.deepEqual(r.last.result, {
      preset: "iommu-safe-performance",
      iface: IFACE,
      rxPageOrder: 3,
      rxRing: 512,
    });
    const state = JSON.parse(m.read("/var/lib/tenbolt/state.json") as string);
    assert.equal(state.presets[IFACE].before.rxRing, 2048);

    // A second preset keeps the original "before".
    assert.equal((await helper(m, ["apply-preset", "balanced", "--iface", IFACE])).code, 0);
    assert.equal(m.ring, 1024);
    assert.equal(m.read("/sys/module/atlantic/parameters/rxpageorder"), "2\n");

    const rv = await helper(m, ["revert-preset", "--iface", IFACE]);
    assert.equal(rv.code, 0, JSON.stringify(rv.last));
    assert.equal(m.ring, 2048);
    assert.equal(m.orderInEffect, 0);
    const after = m.snapshot(WATCHED);
    delete after["var/lib/tenbolt/state.json"];
    assert.deepEqual(after, before);
  } finally {
    m.cleanup();
  }
});

test("same ring, new order: the link is flapped so the rings are reallocated", async () => {
  const m = new FakeMachine();
  try {
    m.loadPatched(0);
    m.ring = 512;
    assert.equal((await helper(m, ["apply-preset", "iommu-safe-performance", "--iface", IFACE])).code, 0);
    const ip = m.calls.filter((c) => c.program.endsWith("/ip")).map((c) => c.args.join(" "));
    assert.deepEqual(ip, [`link set dev ${IFACE} down`, `link set dev ${IFACE} up`]);
  } finally {
    m.cleanup();
  }
});

for (const [what, inject, step] of [
  [
    "ethtool -G fails",
    (m: FakeMachine) => (m.failOn = (p, a) => p === "ethtool" && a[0] === "-G" && a[3] === "512"),
    "set-rx-ring",
  ],
  [
    "the link does not come back",
    (m: FakeMachine) => (m.linkComesBack = (x) => x.ring !== 512),
    "set-rx-ring",
  ],
  [
    "the read-back disagrees",
    (m: FakeMachine) => {
      const real = m.runner.run.bind(m.runner);
      m.runner.run = async (p, a, o) => {
        const r = await real(p, a, o);
        // The driver clamps the ring silently: the read-back must notice.
        if (p.endsWith("ethtool") && a[0] === "-G" && a[3] === "512") m.ring = 600;
        return r;
      };
    },
    "verify",
  ],
] as const) {
  test(`apply-preset rolls back when ${what}`, async () => {
    const m = new FakeMachine();
    try {
      m.loadPatched(0);
      const before = m.snapshot(WATCHED);
      inject(m);
      const r = await helper(m, ["apply-preset", "iommu-safe-performance", "--iface", IFACE]);
      assert.equal(r.code, 1);
      assert.equal(r.last.rolledBack, true, JSON.stringify(r.last));
      assert.deepEqual(m.snapshot(WATCHED), before, "files and parameter restored");
      assert.equal(m.ring, 2048, "ring size restored");
      assert.equal(m.orderInEffect, 0, "rings reallocated at the old page order");
      assert.ok(m.carrier, "link back");
      const j = lastJournal(m);
      assert.equal(j.steps.find((s) => s.status === "undone" && s.error)?.name, step);
    } finally {
      m.cleanup();
    }
  });
}

test("a preset that needs the patched driver is refused on the stock one, with nothing changed", async () => {
  const m = new FakeMachine();
  try {
    const before = m.snapshot(WATCHED);
    const r = await helper(m, ["apply-preset", "iommu-safe-performance", "--iface", IFACE]);
    assert.equal(r.code, 1);
    assert.equal(r.last.code, "needs-driver");
    assert.deepEqual(m.snapshot(WATCHED), before);
    assert.equal(m.calls.length, 0);
  } finally {
    m.cleanup();
  }
});

test("revert without a recorded preset changes nothing", async () => {
  const m = new FakeMachine();
  try {
    const r = await helper(m, ["revert-preset", "--iface", IFACE]);
    assert.equal(r.code, 0);
    assert.deepEqual(r.last.result, { reverted: false, iface: IFACE });
    assert.equal(m.calls.length, 0);
  } finally {
    m.cleanup();
  }
});

test("status is read-only and reports module, signing and links", async () => {
  const m = new FakeMachine();
  try {
    m.loadPatched(3);
    m.write("/sys/kernel/security/lockdown", "[none] integrity confidentiality\n");
    const r = await helper(m, ["status"]);
    assert.equal(r.code, 0);
    const s = r.events[0] as {
      module: { patched: boolean; rxPageOrder: number };
      signing: { lockdown: string };
      links: unknown[];
    };
    assert.deepEqual(s.module, { loaded: true, patched: true, rxPageOrder: 3 });
    assert.equal(s.signing.lockdown, "none");
    assert.deepEqual(s.links, [{ iface: IFACE, up: true, carrier: true }]);
    assert.equal(m.calls.length, 0);
  } finally {
    m.cleanup();
  }
});

test("authorize-thunderbolt writes 1 to the device's authorized attribute", async () => {
  const m = new FakeMachine();
  try {
    m.write("/sys/bus/thunderbolt/devices/1-2/authorized", "0\n");
    const r = await helper(m, ["authorize-thunderbolt", "1-2"]);
    assert.equal(r.code, 0);
    assert.equal(m.read("/sys/bus/thunderbolt/devices/1-2/authorized"), "1\n");
  } finally {
    m.cleanup();
  }
});

test("enroll-mok needs a terminal for mokutil's password prompt and then imports the DKMS key", async () => {
  const m = new FakeMachine();
  try {
    m.write("/var/lib/dkms/mok.pub", "cert");
    m.mokTestKey = "/var/lib/dkms/mok.pub is not enrolled\n";
    const r = await helper(m, ["enroll-mok"]);
    assert.equal(r.last.code, "needs-terminal");
    let out = "";
    const code = await runHelper(["enroll-mok"], { ...m, out: (l) => (out += l), interactive: true });
    assert.equal(code, 0, out);
    const imp = m.calls.find((c) => c.args[0] === "--import");
    assert.equal(imp?.args[1], m.p("/var/lib/dkms/mok.pub"));
    assert.equal(imp?.options?.interactive, true);
  } finally {
    m.cleanup();
  }
});
