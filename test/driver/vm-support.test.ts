// The pure parts of the VM test: dependency order from modules.dep and the console report parser.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadOrder, moduleName, parseModulesDep } from "./support/initramfs.js";
import { parseReport } from "./support/vm.js";
import { installedKernels } from "./support/kernels.js";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

test("modules load after their dependencies, each once", () => {
  const deps = parseModulesDep(
    [
      "kernel/drivers/net/ethernet/aquantia/atlantic/atlantic.ko.xz: kernel/drivers/net/macsec.ko.xz kernel/drivers/ptp/ptp.ko.xz",
      "kernel/drivers/net/macsec.ko.xz:",
      "kernel/drivers/ptp/ptp.ko.xz: kernel/drivers/pps/pps_core.ko.xz",
      "kernel/drivers/pps/pps_core.ko.xz:",
    ].join("\n"),
  );
  assert.deepEqual(loadOrder(["macsec", "ptp"], deps), [
    "kernel/drivers/net/macsec.ko.xz",
    "kernel/drivers/pps/pps_core.ko.xz",
    "kernel/drivers/ptp/ptp.ko.xz",
  ]);
  assert.equal(moduleName("kernel/net/netfilter/nf-nat.ko.xz"), "nf_nat");
  assert.throws(() => loadOrder(["nosuch"], deps), /nosuch is not in this kernel's modules.dep/);
});

test("the report is read from a console full of kernel noise", () => {
  const r = parseReport(
    "[    1.2] random: crng init done\r\nTENBOLT load.4=refused\r\n[ 1.3] atlantic: x\nTENBOLT write.3=accepted,3\r\n",
  );
  assert.deepEqual(
    [...r],
    [
      ["load.4", "refused"],
      ["write.3", "accepted,3"],
    ],
  );
});

test("only generic amd64 kernels with a build tree count, newest ABI first", () => {
  const dir = mkdtempSync(join(tmpdir(), "tenbolt-mods-"));
  try {
    for (const k of [
      "6.1.0-9-amd64",
      "6.1.0-56-amd64",
      "6.1.0-56-cloud-amd64",
      "6.1.0-60-amd64",
      "6.12.117+deb12-amd64",
    ]) {
      mkdirSync(join(dir, k, "build"), { recursive: true });
      if (k !== "6.1.0-60-amd64") writeFileSync(join(dir, k, "build", "Makefile"), "");
    }
    assert.deepEqual(installedKernels("6.1", dir), ["6.1.0-56-amd64", "6.1.0-9-amd64"]);
    assert.deepEqual(installedKernels("6.12", dir), ["6.12.117+deb12-amd64"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
