import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { RunResult, Runner } from "../system/runner.js";
import { planInstall, planUninstall, runDriverPlan } from "./manage.js";
import { driverStatus, renderDriverStatus } from "./status.js";

const K = "6.12.117+deb12-amd64";

function machine(): { root: string; put: (p: string, t?: string) => void } {
  const root = mkdtempSync(join(tmpdir(), "tenbolt-manage-"));
  const put = (p: string, t = "") => {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), t);
  };
  put("/proc/sys/kernel/osrelease", `${K}\n`);
  put(`/lib/modules/${K}/build/Makefile`, "# headers\n");
  put("/usr/src/linux-source-6.12.tar.xz", "xz");
  put("/usr/bin/mokutil");
  return { root, put };
}

const runner = (stdout: string): Runner => ({
  run: async (): Promise<RunResult> => ({ code: 0, signal: null, stdout, stderr: "", timedOut: false }),
});

test("install plan: Debian source tarball, every step listed, helper args fixed", async () => {
  const m = machine();
  try {
    const p = await planInstall(m.root, runner(""));
    assert.deepEqual(p.helperArgs, [
      "install-driver",
      "--kernel",
      K,
      "--source",
      "/usr/src/linux-source-6.12.tar.xz",
    ]);
    assert.ok(p.steps.some((s) => s.includes("--force-version-override")));
    assert.equal(p.blocker, null);
    let out = "";
    const ran = await runDriverPlan("Install", p, true, {
      root: m.root,
      runner: runner(""),
      helper: async () => assert.fail("dry run must not call the helper"),
      out: (t) => (out += t),
      formatEvent: () => null,
    });
    assert.equal(ran, false);
    assert.match(out, /would run: pkexec \/usr\/lib\/tenbolt\/tenbolt-helper install-driver --kernel/);
  } finally {
    rmSync(m.root, { recursive: true, force: true });
  }
});

test("install plan under lockdown with an unenrolled key is blocked with the MOK explanation", async () => {
  const m = machine();
  try {
    m.put("/sys/kernel/security/lockdown", "none [integrity] confidentiality\n");
    m.put("/var/lib/dkms/mok.pub", "cert");
    const p = await planInstall(m.root, runner("/var/lib/dkms/mok.pub is not enrolled\n"));
    assert.match(p.blocker?.message ?? "", /not enrolled/);
    assert.match(p.blocker?.hint ?? "", /MokManager/);
  } finally {
    rmSync(m.root, { recursive: true, force: true });
  }
});

test("a source outside /usr/src is refused before asking for a password", async () => {
  const m = machine();
  try {
    m.put("/home/u/linux-6.12.117.tar.xz", "xz");
    await assert.rejects(
      planInstall(m.root, runner(""), K, "/home/u/linux-6.12.117.tar.xz"),
      /only from sources under \/usr\/src/,
    );
  } finally {
    rmSync(m.root, { recursive: true, force: true });
  }
});

test("uninstall plan follows the helper's record; status renders it", async () => {
  const m = machine();
  try {
    assert.deepEqual(planUninstall(m.root, runner("")).steps, []);
    m.put(
      "/var/lib/tenbolt/state.json",
      JSON.stringify({
        schemaVersion: 1,
        drivers: { [K]: { name: "tenbolt-atlantic", version: "0.1.0+k6.12.117", installedAt: "x" } },
        presets: {},
      }),
    );
    const p = planUninstall(m.root, runner(""));
    assert.ok(p.steps.includes("dkms remove -m tenbolt-atlantic -v 0.1.0+k6.12.117 --all"));
    const s = await driverStatus(m.root, runner(""));
    assert.match(
      renderDriverStatus(s),
      /installed by Tenbolt: tenbolt-atlantic\/0.1.0\+k6.12.117 for 6.12.117\+deb12-amd64/,
    );
    assert.equal(s.missingForRunningKernel, false);
  } finally {
    rmSync(m.root, { recursive: true, force: true });
  }
});
