import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { parseHelperArgs, Refused } from "./args.js";
import { runHelper } from "./run.js";
import { FakeMachine, IFACE } from "./testing/fake-machine.js";

function refusedArgument(argv: string[]): string {
  try {
    parseHelperArgs(argv);
  } catch (e) {
    if (e instanceof Refused) return e.argument;
    throw e;
  }
  assert.fail(`accepted: ${argv.join(" ")}`);
}

test("valid calls parse into typed commands", () => {
  assert.deepEqual(parseHelperArgs(["apply-preset", "iommu-safe-performance", "--iface", "enp99s0"]), {
    verb: "apply-preset",
    preset: "iommu-safe-performance",
    iface: "enp99s0",
  });
  assert.deepEqual(
    parseHelperArgs([
      "install-driver",
      "--kernel",
      "6.1.0-56-amd64",
      "--source",
      "/usr/src/linux-source-6.1.tar.xz",
    ]),
    {
      verb: "install-driver",
      kernel: "6.1.0-56-amd64",
      source: "/usr/src/linux-source-6.1.tar.xz",
    },
  );
  assert.deepEqual(parseHelperArgs(["authorize-thunderbolt", "1-502"]), {
    verb: "authorize-thunderbolt",
    device: "1-502",
  });
  assert.deepEqual(parseHelperArgs(["uninstall-driver"]), { verb: "uninstall-driver" });
});

test("each hostile argument is refused and named", () => {
  const cases: [string[], string][] = [
    [["apply-preset", "stock", "--iface", "eth0;reboot"], "--iface"],
    [["apply-preset", "stock", "--iface", "$(id)"], "--iface"],
    [["apply-preset", "stock", "--iface", "../../etc"], "--iface"],
    [["apply-preset", "stock", "--iface", ".."], "--iface"],
    [["apply-preset", "stock", "--iface", "a-very-long-interface"], "--iface"],
    [["apply-preset", "stock", "--iface", "-G"], "--iface"],
    [["apply-preset", "stock", "--iface", "eth0 up"], "--iface"],
    [["apply-preset", "turbo", "--iface", "eth0"], "NAME"],
    [["apply-preset", "stock"], "--iface"],
    [["apply-preset", "stock", "--iface", "eth0", "extra"], "extra"],
    [["apply-preset", "stock", "--iface", "eth0", "--iface", "eth1"], "--iface"],
    [["revert-preset", "--iface", "eth0", "--root", "/tmp"], "--root"],
    [["install-driver", "--kernel", "6.1;rm -rf /"], "--kernel"],
    [["install-driver", "--kernel", "../../6.1"], "--kernel"],
    [["install-driver", "--source", "/home/user/linux"], "--source"],
    [["install-driver", "--source", "/usr/src/../../home/user/linux"], "--source"],
    [["install-driver", "--source", "/usr/src/linux $(id)"], "--source"],
    [["install-driver", "--source"], "--source"],
    [["authorize-thunderbolt", "0-1/../../x"], "DEVICE"],
    [["authorize-thunderbolt", "domain0"], "DEVICE"],
    [["status", "now"], "now"],
    [["reboot"], "VERB"],
    [[], "VERB"],
  ];
  for (const [argv, arg] of cases) assert.equal(refusedArgument(argv), arg, argv.join(" "));
});

test("refused calls exit 2 before anything runs or is written", async () => {
  const hostile = [
    ["apply-preset", "stock", "--iface", "eth0;reboot"],
    ["apply-preset", "stock", "--iface", "$(id)"],
    ["apply-preset", "stock", "--iface", "../../etc"],
    ["apply-preset", "stock", "--iface", "x".repeat(16)],
    ["apply-preset", "no-such-preset", "--iface", IFACE],
    ["apply-preset", "stock", "--iface", "eth7"], // valid name, no such interface
    ["apply-preset", "stock", "--iface", "lo"], // exists, not atlantic
    ["frobnicate"],
    ["install-driver", "--kernel", "6.12.117", "--force"],
    ["authorize-thunderbolt", "0-1"], // valid name, no such device
  ];
  for (const argv of hostile) {
    const m = new FakeMachine();
    try {
      let out = "";
      const code = await runHelper(argv, { ...m, out: (l) => (out += l) });
      assert.equal(code, 2, argv.join(" "));
      assert.equal(m.calls.length, 0, `no command may run for ${argv.join(" ")}`);
      assert.equal(existsSync(m.p("/var/lib/tenbolt")), false, "nothing written");
      const ev = JSON.parse(out.trim()) as { event: string; code: string; argument: string };
      assert.equal(ev.event, "error");
      assert.equal(ev.code, "refused");
    } finally {
      m.cleanup();
    }
  }
});
