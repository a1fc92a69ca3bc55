// The real build: `tenbolt driver build` against each installed Debian header tree (6.12 and 6.1)
// from Debian's linux-source tarball; the module has the parameter, its description, and the right
// vermagic. Also the CLI's clear errors for missing headers and a source of another series.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemRunner } from "../../app/system/runner.js";
import { installedKernels, sourceTarball, SERIES } from "./support/kernels.js";
import { check, file, program, rootUser, skipUnless } from "./support/prereqs.js";
import { buildWithCli, remember, runCli } from "./support/module.js";

for (const series of SERIES) {
  const kernel = installedKernels(series)[0];
  const reqs = [
    rootUser(),
    program("/usr/bin/make", "make gcc"),
    program("/usr/bin/patch", "patch"),
    program("/usr/sbin/modinfo", "kmod"),
    file(sourceTarball(series), `${sourceTarball(series)} (apt install linux-source-${series})`),
    {
      what: `headers of a Debian ${series} kernel (apt install linux-headers-${series}...-amd64)`,
      ok: !!kernel,
    },
  ];
  test(
    `tenbolt driver build: Linux ${series} source -> atlantic.ko with rxpageorder`,
    { skip: skipUnless(reqs) },
    async (t) => {
      check(reqs);
      const release = kernel as string;
      const out = mkdtempSync(join(tmpdir(), "tenbolt-build-test-"));
      try {
        const r = await buildWithCli(release, sourceTarball(series), out);
        assert.equal(r.code, 0, r.err);
        t.diagnostic(r.out.trim().split("\n").pop() ?? ""); // timings of prepare and compile
        assert.match(r.out, new RegExp(`patched Linux ${series.replace(".", "\\.")}\\.\\d+ atlantic`));
        const ko = join(out, "atlantic.ko");
        const parm = await systemRunner.run("modinfo", ["-F", "parm", ko]);
        const line = parm.stdout.split("\n").find((l) => l.startsWith("rxpageorder:"));
        assert.ok(line, `no rxpageorder in modinfo: ${parm.stdout}`);
        assert.match(
          line,
          /^rxpageorder:RX page order 0-3 \(default 0\)\..*XDP always uses order 2\. \(uint\)$/,
        );
        const vermagic = await systemRunner.run("modinfo", ["-F", "vermagic", ko]);
        assert.ok(vermagic.stdout.startsWith(`${release} `), vermagic.stdout);
        // the stock parameters are still there
        assert.match(parm.stdout, /^aq_itr:/m);
        remember(release, sourceTarball(series), ko);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    },
  );
}

test("tenbolt driver build without headers says which package to install", async () => {
  const out = mkdtempSync(join(tmpdir(), "tenbolt-build-test-"));
  try {
    const r = await runCli(["driver", "build", "--kernel", "6.12.999-nonexistent-amd64", "--out", out]);
    assert.equal(r.code, 1);
    assert.equal(
      r.err,
      "tenbolt: the headers of kernel 6.12.999-nonexistent-amd64 are not installed (/lib/modules/6.12.999-nonexistent-amd64/build is missing)\n" +
        "  install them with: sudo apt install linux-headers-6.12.999-nonexistent-amd64 (Fedora: kernel-devel-6.12.999-nonexistent-amd64)\n",
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

const k612 = installedKernels("6.12")[0];
test(
  "tenbolt driver build refuses a source of another series before doing anything",
  { skip: skipUnless([{ what: "6.12 headers", ok: !!k612 }]) },
  async () => {
    const out = mkdtempSync(join(tmpdir(), "tenbolt-build-test-"));
    try {
      const r = await runCli([
        "driver",
        "build",
        "--kernel",
        k612 as string,
        "--source",
        "/usr/src/linux-source-6.1.tar.xz",
        "--out",
        out,
      ]);
      assert.equal(r.code, 1);
      assert.match(
        r.err,
        /is Linux 6\.1, but kernel .* needs Linux 6\.12 sources\n {2}install them with: sudo apt install linux-source-6\.12/,
      );
      const dry = await runCli(["driver", "build", "--kernel", k612 as string, "--out", out, "--dry-run"]);
      assert.equal(dry.code, 0, dry.err);
      assert.match(dry.out, /^would run: \/usr\/bin\/patch --dry-run .*$/m);
      assert.match(
        dry.out,
        new RegExp(
          `^would run: make -C /lib/modules/${(k612 as string).replace(/[+.]/g, "\\$&")}/build .*KCFLAGS=-I.* modules$`,
          "m",
        ),
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  },
);
