// The patched module really loads: Debian's 6.12 kernel image (the exact release of the installed
// headers, from `apt-get download` + `dpkg-deb -x`, never installed) boots under qemu with a busybox
// initramfs that loads atlantic's dependencies and our atlantic.ko, then probes the parameter at load
// time and through sysfs and prints a report on the serial console.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemRunner } from "../../app/system/runner.js";
import { installedKernels, sourceTarball } from "./support/kernels.js";
import { check, file, program, rootUser, skipUnless } from "./support/prereqs.js";
import { ensureModule } from "./support/module.js";
import { kernelImage } from "./support/kernel-image.js";
import { buildInitramfs, loadOrder, parseModulesDep } from "./support/initramfs.js";
import { boot } from "./support/vm.js";

const kernel = installedKernels("6.12")[0];
const reqs = [
  rootUser(),
  program("/usr/bin/qemu-system-x86_64", "qemu-system-x86"),
  program("/bin/busybox", "busybox-static"),
  program("/usr/bin/cpio", "cpio"),
  program("/usr/bin/xz", "xz-utils"),
  program("/usr/bin/make", "make gcc"),
  file(sourceTarball("6.12"), "/usr/src/linux-source-6.12.tar.xz (apt install linux-source-6.12)"),
  { what: "headers of a Debian 6.12 kernel (apt install linux-headers-6.12.N+deb12-amd64)", ok: !!kernel },
];

test(
  "the patched atlantic loads in Debian's 6.12 kernel and guards rxpageorder",
  { skip: skipUnless(reqs) },
  async (t) => {
    check(reqs);
    const release = kernel as string;
    const ko = await ensureModule(release, sourceTarball("6.12"));
    const image = await kernelImage(release, systemRunner);
    const deps = await systemRunner.run("modinfo", ["-F", "depends", ko]);
    const names = deps.stdout.trim().split(",").filter(Boolean);
    const order = loadOrder(
      names,
      parseModulesDep(readFileSync(join(image.modulesDir, "modules.dep"), "utf8")),
    );
    const work = mkdtempSync(join(tmpdir(), "tenbolt-vm-"));
    try {
      const initramfs = await buildInitramfs({
        workDir: work,
        busybox: "/bin/busybox",
        atlantic: ko,
        modulesDir: image.modulesDir,
        dependencies: order,
        runner: systemRunner,
      });
      const vm = await boot(image.vmlinuz, initramfs, 120_000);
      t.diagnostic(
        `boot with ${vm.accel}${vm.kvmFallback ? ` (${vm.kvmFallback})` : ""}: ${vm.seconds.toFixed(1)} s, dependencies: ${names.join(" ") || "none"}`,
      );
      const r = vm.report;
      const explain = `console:\n${vm.console.slice(-3000)}`;
      assert.equal(vm.timedOut, false, `VM did not power off in time; ${explain}`);
      assert.equal(r.get("done"), "1", `no complete report; ${explain}`);
      for (const n of order)
        assert.equal(
          r.get(
            `dep.${n
              .split("/")
              .pop()
              ?.replace(/\.ko(\.xz)?$/, "")
              .replace(/-/g, "_")}.ko`,
          ),
          "loaded",
        );
      assert.equal(r.get("load.4"), "refused", "rxpageorder=4 must fail the module load");
      assert.equal(r.get("load.x"), "refused", "rxpageorder=x must fail the module load");
      assert.equal(r.get("load.2"), "accepted");
      assert.equal(r.get("initial"), "2", "the load-time value is kept");
      assert.equal(r.get("mode"), "644");
      // Each write is followed by a read-back: accepted values stick, refused ones leave the last good value.
      assert.equal(r.get("write.0"), "accepted,0");
      assert.equal(r.get("write.1"), "accepted,1");
      assert.equal(r.get("write.2"), "accepted,2");
      assert.equal(r.get("write.3"), "accepted,3");
      assert.equal(r.get("write.4"), "refused,3");
      assert.equal(r.get("write.x"), "refused,3");
      assert.equal(r.get("write.-1"), "refused,3");
      assert.equal(r.get("write.7"), "refused,3");
      assert.equal(r.get("pcidriver"), "registered");
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
);
