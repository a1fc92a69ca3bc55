// The DKMS package for real, on dkms 3.0.10: prepareDkmsSource from Debian's linux-source (a tree
// extracted from the tarball once and cached),
// `dkms add` + `dkms build` for the installed kernel of that series, all in scratch trees (--sourcetree,
// --dkmstree, a scratch signing key), so the machine's /usr/src and /var/lib/dkms are not touched.
// Also the upgrade strategy: `dkms autoinstall` for the kernel skips the package and succeeds.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemRunner, type RunResult } from "../../app/system/runner.js";
import { VERSION } from "../../app/version.js";
import { prepareDkmsSource } from "../../driver/helper/dkms-source.js";
import { spawnRunner } from "../../driver/helper/runner.js";
import { installedKernels, sourceTarball, SERIES } from "./support/kernels.js";
import { extractedTree } from "./support/sources.js";
import { check, file, program, rootUser, skipUnless } from "./support/prereqs.js";

for (const series of SERIES) {
  const kernel = installedKernels(series)[0];
  const reqs = [
    rootUser(),
    program("/usr/sbin/dkms", "dkms"),
    program("/usr/bin/patch", "patch"),
    program("/usr/sbin/modinfo", "kmod"),
    file(sourceTarball(series), `${sourceTarball(series)} (apt install linux-source-${series})`),
    { what: `headers of a Debian ${series} kernel`, ok: !!kernel },
  ];
  test(
    `dkms add/build of the ${series} package; autoinstall leaves it alone`,
    { skip: skipUnless(reqs) },
    async () => {
      check(reqs);
      const release = kernel as string;
      const scratch = mkdtempSync(join(tmpdir(), "tenbolt-dkms-"));
      const trees = [
        `--sourcetree=${join(scratch, "usr/src")}`,
        `--dkmstree=${join(scratch, "var/lib/dkms")}`,
      ];
      // dkms reads the signing key paths from its environment when framework.conf does not set them.
      const env = {
        ...process.env,
        mok_signing_key: join(scratch, "mok.key"),
        mok_certificate: join(scratch, "mok.pub"),
      };
      const dkms = (args: string[]): Promise<RunResult> =>
        systemRunner.run("dkms", [...args, ...trees], { env, timeoutMs: 15 * 60_000 });
      mkdirSync(join(scratch, "var/lib/dkms"), { recursive: true });
      let mv = "";
      let removed = false;
      try {
        const pkg = await prepareDkmsSource({
          source: await extractedTree(sourceTarball(series), systemRunner),
          kernelRelease: release,
          destRoot: scratch,
          tenboltVersion: VERSION,
          runner: spawnRunner,
        });
        mv = `${pkg.name}/${pkg.version}`;
        assert.match(
          pkg.version,
          new RegExp(`^${VERSION.replace(/\./g, "\\.")}\\+k${series.replace(".", "\\.")}\\.\\d+$`),
        );

        const add = await dkms(["add", "-m", pkg.name, "-v", pkg.version]);
        assert.equal(add.code, 0, add.stdout + add.stderr);

        // A kernel upgrade runs `dkms autoinstall` for the new kernel: it must succeed and not build this
        // package, whether the kernel is of this series or of another one (whose build would fail).
        for (const k of [...installedKernels("6.12"), ...installedKernels("6.1")]) {
          const auto = await dkms(["autoinstall", "-k", k]);
          assert.equal(auto.code, 0, `autoinstall -k ${k}: ${auto.stdout}${auto.stderr}`);
        }
        const afterAuto = await dkms(["status", "-m", pkg.name]);
        assert.match(
          afterAuto.stdout,
          new RegExp(`${pkg.name}/${pkg.version.replace(/[+.]/g, "\\$&")}: added`),
        );

        const build = await dkms(["build", "-m", pkg.name, "-v", pkg.version, "-k", release]);
        assert.equal(build.code, 0, build.stdout + build.stderr);
        const moduleDir = join(scratch, "var/lib/dkms", pkg.name, pkg.version, release, "x86_64", "module");
        const ko = readdirSync(moduleDir).find((f) => /^atlantic\.ko(\.xz)?$/.test(f));
        assert.ok(ko, `no atlantic.ko in ${moduleDir}`);
        const parm = await systemRunner.run("modinfo", ["-F", "parm", join(moduleDir, ko)]);
        assert.match(parm.stdout, /^rxpageorder:RX page order 0-3 \(default 0\)\. .*\(uint\)$/m);
        const signer = await systemRunner.run("modinfo", ["-F", "signer", join(moduleDir, ko)]);
        assert.equal(signer.stdout.trim(), "DKMS module signing key", "dkms signed it with the scratch key");
        assert.equal(existsSync(join(scratch, "mok.key")), true);

        const rm = await dkms(["remove", mv, "--all"]);
        assert.equal(rm.code, 0, rm.stdout + rm.stderr);
        removed = true;
        assert.equal(existsSync(join(scratch, "var/lib/dkms", pkg.name, pkg.version)), false);
      } finally {
        if (mv && !removed) await dkms(["remove", mv, "--all"]); // best effort after a failure
        rmSync(scratch, { recursive: true, force: true });
      }
    },
  );
}
