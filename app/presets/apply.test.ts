import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { RunResult, Runner } from "../system/runner.js";
import { UserError } from "../errors.js";
import { applyPresetFlow, revertPresetFlow, type PresetFlowDeps } from "./apply.js";
import { readUserState } from "./user-state.js";

const IF = "enp99s0";

class World {
  root = mkdtempSync(join(tmpdir(), "tenbolt-preset-"));
  ring = 2048;
  helperCalls: string[][] = [];
  out = "";
  constructor() {
    this.write("/sys/module/atlantic/parameters/rxpageorder", "0\n");
    this.write(`/sys/class/net/${IF}/carrier`, "1\n");
    for (let i = 0; i < 4; i++)
      mkdirSync(join(this.root, `/sys/class/net/${IF}/queues/rx-${i}`), { recursive: true });
    mkdirSync(join(this.root, "/sys/bus/pci/drivers/atlantic"), { recursive: true });
    mkdirSync(join(this.root, `/sys/class/net/${IF}/device`), { recursive: true });
    symlinkSync(
      "../../../../bus/pci/drivers/atlantic",
      join(this.root, `/sys/class/net/${IF}/device/driver`),
    );
  }
  write(p: string, t: string) {
    mkdirSync(dirname(join(this.root, p)), { recursive: true });
    writeFileSync(join(this.root, p), t);
  }
  runner: Runner = {
    run: async (_cmd, args): Promise<RunResult> => {
      const ok = (stdout: string): RunResult => ({
        code: 0,
        signal: null,
        stdout,
        stderr: "",
        timedOut: false,
      });
      if (args[0] === "-g")
        return ok(
          `Ring parameters for ${IF}:\nPre-set maximums:\nRX:\t8184\nTX:\t8184\nCurrent hardware settings:\nRX:\t${this.ring}\nTX:\t4096\n`,
        );
      if (args[0] === "-l")
        return ok(
          `Channel parameters for ${IF}:\nPre-set maximums:\nCombined:\t8\nCurrent hardware settings:\nCombined:\t4\n`,
        );
      if (args[0] === "-T") return ok("Time stamping parameters for x:\nPTP Hardware Clock: none\n");
      return { code: 1, signal: null, stdout: "", stderr: "?", timedOut: false };
    },
  };
  deps(over: Partial<PresetFlowDeps> = {}): PresetFlowDeps {
    return {
      root: this.root,
      runner: this.runner,
      dataDir: join(this.root, "home/.local/share/tenbolt"),
      out: (t) => (this.out += t),
      confirm: async () => true,
      helper: async (args, onEvent) => {
        this.helperCalls.push(args);
        onEvent({ event: "step", step: "set-rx-ring", status: "start", description: "ethtool -G" });
        if (args[0] === "apply-preset") {
          this.write("/sys/module/atlantic/parameters/rxpageorder", "3\n");
          this.ring = 512;
          const before = {
            modprobeConf: { content: null, mode: null },
            udevRule: { content: null, mode: null },
            rxPageOrder: 0,
            rxRing: 2048,
          };
          this.write(
            "/var/lib/tenbolt/state.json",
            JSON.stringify({
              schemaVersion: 1,
              drivers: {},
              presets: { [IF]: { name: args[1], appliedAt: "x", rxPageOrder: 3, rxRing: 512, before } },
            }),
          );
        } else {
          this.write("/sys/module/atlantic/parameters/rxpageorder", "0\n");
          this.ring = 2048;
        }
        return { event: "done" };
      },
      ...over,
    };
  }
  cleanup() {
    rmSync(this.root, { recursive: true, force: true });
  }
}

test("apply shows the plan, runs the helper, verifies by reading back, records it; revert undoes it", async () => {
  const w = new World();
  try {
    const r = await applyPresetFlow("iommu-safe-performance", IF, {}, w.deps());
    assert.equal(r.done, true);
    assert.deepEqual(w.helperCalls, [["apply-preset", "iommu-safe-performance", "--iface", IF]]);
    assert.match(w.out, /rxpageorder: 0 -> 3/);
    assert.match(w.out, /RX buffer memory: 32 MiB -> 64 MiB \(4 rings x 16 MiB\)/);
    assert.match(w.out, /\.\.\. ethtool -G/);
    const state = readUserState(join(w.root, "home/.local/share/tenbolt"));
    assert.deepEqual(state.interfaces[IF]?.verified, { rxPageOrder: 3, rxRing: 512, carrier: true });

    const rv = await revertPresetFlow(IF, { yes: true }, w.deps());
    assert.equal(rv.done, true);
    assert.deepEqual(w.helperCalls[1], ["revert-preset", "--iface", IF]);
    assert.equal(readUserState(join(w.root, "home/.local/share/tenbolt")).interfaces[IF], undefined);
  } finally {
    w.cleanup();
  }
});

test("dry run and a declined confirmation never call the helper", async () => {
  const w = new World();
  try {
    const d = await applyPresetFlow("balanced", IF, { dryRun: true }, w.deps());
    assert.equal(d.done, false);
    assert.match(w.out, /pkexec \/usr\/lib\/tenbolt\/tenbolt-helper apply-preset balanced --iface enp99s0/);
    await assert.rejects(
      applyPresetFlow("balanced", IF, {}, w.deps({ confirm: async () => false })),
      /not confirmed/,
    );
    assert.equal(w.helperCalls.length, 0);
    assert.throws(() => readFileSync(join(w.root, "home/.local/share/tenbolt/presets.json")));
  } finally {
    w.cleanup();
  }
});

test("a read-back that disagrees with the plan is reported, not recorded", async () => {
  const w = new World();
  try {
    const deps = w.deps({
      helper: async () => {
        w.ring = 1000; // the helper claims success, the kernel says otherwise
        return { event: "done" };
      },
    });
    await assert.rejects(applyPresetFlow("iommu-safe-performance", IF, { yes: true }, deps), (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.match(e.message, /rxpageorder reads 0, expected 3; ethtool -g reports RX 1000, expected 512/);
      return true;
    });
    assert.deepEqual(readUserState(join(w.root, "home/.local/share/tenbolt")).interfaces, {});
  } finally {
    w.cleanup();
  }
});
