// The patcher and DKMS packaging on tiny synthetic kernel trees, built from the context of the real
// patch: what it accepts, and that whatever it refuses leaves every file as it was and writes nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { spawnRunner } from "./runner.js";
import {
  applyRxPageOrderPatch,
  ATLANTIC_SUBDIR,
  defaultPatchFile,
  PatchDoesNotApply,
  summarisePatchFailure,
} from "./atlantic-patch.js";
import {
  checkSourceFits,
  dkmsVersion,
  prepareDkmsSource,
  renderDkmsConf,
  SourceRefused,
} from "./dkms-source.js";
import { kernelSeries, parseMakefileVersion } from "./kernel-version.js";

const patchText = readFileSync(defaultPatchFile(), "utf8");
const havePatch = spawnSync("/usr/bin/patch", ["--version"]).status === 0;
const skipNoPatch =
  !havePatch && process.env.CI !== "true" ? "GNU patch is not installed (apt install patch)" : false;

/** The "before" side of every hunk, per file: a minimal file the patch recognises. */
function unpatchedFiles(): Map<string, string> {
  const files = new Map<string, string>();
  let current = "";
  for (const line of patchText.split("\n")) {
    const header = /^--- a\/(\S+)/.exec(line);
    if (header) {
      current = header[1] as string;
      files.set(current, "");
      continue;
    }
    if (!current || line.startsWith("+++") || line.startsWith("@@") || line.startsWith("+")) continue;
    if (line.startsWith(" ") || line.startsWith("-"))
      files.set(current, files.get(current) + line.slice(1) + "\n");
  }
  return files;
}

function makeTree(version = { v: 6, p: 12, s: 117 }, edit?: (name: string, text: string) => string): string {
  const root = mkdtempSync(join(tmpdir(), "tenbolt-tree-"));
  writeFileSync(
    join(root, "Makefile"),
    `VERSION = ${version.v}\nPATCHLEVEL = ${version.p}\nSUBLEVEL = ${version.s}\n`,
  );
  const dir = join(root, ATLANTIC_SUBDIR);
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of unpatchedFiles()) writeFileSync(join(dir, name), edit ? edit(name, text) : text);
  writeFileSync(join(dir, "Makefile"), "obj-$(CONFIG_AQTION) += atlantic.o\nccflags-y += -I$(src)\n");
  return root;
}

function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true }))
    if (e.isFile()) out.set(join(e.parentPath, e.name), readFileSync(join(e.parentPath, e.name), "utf8"));
  return out;
}

function withDirs(fn: (dest: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dest = mkdtempSync(join(tmpdir(), "tenbolt-dest-"));
    try {
      await fn(dest);
    } finally {
      rmSync(dest, { recursive: true, force: true });
    }
  };
}

const base = { kernelRelease: "6.12.117+deb12-amd64", tenboltVersion: "0.1.0", runner: spawnRunner };

test("kernel series and Makefile versions are parsed, odd input is not", () => {
  assert.deepEqual(kernelSeries("6.12.117+deb12-amd64"), { major: 6, minor: 12 });
  assert.deepEqual(kernelSeries("6.1.0-56-amd64"), { major: 6, minor: 1 });
  assert.deepEqual(kernelSeries("6.9"), { major: 6, minor: 9 });
  assert.equal(kernelSeries("linux"), null);
  assert.equal(kernelSeries("6.12x"), null);
  assert.deepEqual(parseMakefileVersion("VERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 192\nEXTRAVERSION =\n"), {
    major: 6,
    minor: 1,
    sublevel: 192,
  });
  assert.equal(parseMakefileVersion("VERSION = 6\nPATCHLEVEL = 1\n"), null);
});

test("the DKMS version says which Tenbolt patched which source, in characters dkms can use", () => {
  assert.equal(dkmsVersion("0.1.0", { major: 6, minor: 12, sublevel: 117 }), "0.1.0+k6.12.117");
  assert.throws(() => dkmsVersion("0.1.0 beta", { major: 6, minor: 1, sublevel: 1 }));
});

test("dkms.conf: updates/dkms, no autoinstall, the include fix, restricted to the series", () => {
  const conf = renderDkmsConf(
    "tenbolt-atlantic",
    "0.1.0+k6.1.192",
    { major: 6, minor: 1, sublevel: 192 },
    "/x",
  );
  assert.match(conf, /^BUILT_MODULE_NAME\[0\]="atlantic"$/m);
  assert.match(conf, /^DEST_MODULE_LOCATION\[0\]="\/updates\/dkms"$/m);
  assert.match(conf, /^BUILD_EXCLUSIVE_KERNEL="\^6\\\.1\\\."$/m);
  assert.match(conf, /KCFLAGS=-I\$\{dkms_tree\}\/\$\{PACKAGE_NAME\}\/\$\{PACKAGE_VERSION\}\/build\/src/);
  assert.doesNotMatch(conf, /^AUTOINSTALL/m);
  // dkms sources the file with bash: the generated assignments must parse and carry the values.
  const r = spawnSync("bash", [
    "-c",
    `${conf}\necho "$PACKAGE_NAME|$PACKAGE_VERSION|\${BUILT_MODULE_LOCATION[0]}"`,
  ]);
  assert.equal(r.stdout.toString().trim(), "tenbolt-atlantic|0.1.0+k6.1.192|src");
});

test("patch failures are summarised by file and hunk", () => {
  const out =
    "checking file aq_nic.c\nchecking file aq_ring.c\nHunk #1 FAILED at 185.\n1 out of 1 hunk FAILED\n";
  assert.equal(summarisePatchFailure(out), "aq_ring.c: hunk 1 does not match");
  assert.match(
    summarisePatchFailure("Reversed (or previously applied) patch detected!  Skipping patch."),
    /already/,
  );
});

test(
  "a recognised tree becomes a patched DKMS package",
  { skip: skipNoPatch },
  withDirs(async (dest) => {
    const tree = makeTree();
    try {
      const pkg = await prepareDkmsSource({ ...base, source: tree, destRoot: dest });
      assert.equal(pkg.name, "tenbolt-atlantic");
      assert.equal(pkg.version, "0.1.0+k6.12.117");
      assert.equal(pkg.dir, join(dest, "usr/src/tenbolt-atlantic-0.1.0+k6.12.117"));
      const nic = readFileSync(join(pkg.dir, "src/aq_nic.c"), "utf8");
      assert.match(nic, /module_param_cb\(rxpageorder, &aq_rxpageorder_ops, &aq_rxpageorder, 0644\);/);
      assert.match(
        readFileSync(join(pkg.dir, "src/aq_ring.c"), "utf8"),
        /rxpageorder = aq_nic_rxpageorder\(\);/,
      );
      assert.match(readFileSync(join(pkg.dir, "dkms.conf"), "utf8"), /PACKAGE_VERSION="0.1.0\+k6.12.117"/);
      assert.deepEqual(
        readdirSync(join(dest, "usr/src")),
        ["tenbolt-atlantic-0.1.0+k6.12.117"],
        "no staging left",
      );
      // the source tree itself is never modified
      assert.doesNotMatch(
        readFileSync(join(tree, ATLANTIC_SUBDIR, "aq_nic.c"), "utf8"),
        /aq_nic_rxpageorder/,
      );
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  }),
);

test(
  "a tarball source is read the same way",
  { skip: skipNoPatch },
  withDirs(async (dest) => {
    const tree = makeTree({ v: 6, p: 1, s: 192 });
    const work = mkdtempSync(join(tmpdir(), "tenbolt-tar-"));
    try {
      mkdirSync(join(work, "linux-source-6.1"));
      spawnSync("cp", ["-r", `${tree}/.`, join(work, "linux-source-6.1")]);
      const tarball = join(work, "linux-source-6.1.tar.xz");
      assert.equal(spawnSync("tar", ["-cJf", tarball, "-C", work, "linux-source-6.1"]).status, 0);
      const pkg = await prepareDkmsSource({
        ...base,
        kernelRelease: "6.1.0-56-amd64",
        source: tarball,
        destRoot: dest,
      });
      assert.equal(pkg.version, "0.1.0+k6.1.192");
      assert.match(
        readFileSync(join(pkg.dir, "src/aq_nic.h"), "utf8"),
        /unsigned int aq_nic_rxpageorder\(void\);/,
      );
    } finally {
      rmSync(tree, { recursive: true, force: true });
      rmSync(work, { recursive: true, force: true });
    }
  }),
);

/** Runs a refused preparation and checks: the error, the source unchanged, nothing in destRoot. */
async function assertRefused(tree: string, kernelRelease: string, message: RegExp): Promise<void> {
  const dest = mkdtempSync(join(tmpdir(), "tenbolt-dest-"));
  const before = snapshot(tree);
  try {
    await assert.rejects(
      prepareDkmsSource({ ...base, kernelRelease, source: tree, destRoot: dest }),
      message,
    );
    assert.deepEqual(snapshot(tree), before, "source changed");
    assert.deepEqual(readdirSync(join(dest, "usr/src")), [], "something was written");
  } finally {
    rmSync(dest, { recursive: true, force: true });
    rmSync(tree, { recursive: true, force: true });
  }
}

test(
  "an unknown tree (one hunk's context differs) is refused, naming the hunk, nothing changed",
  { skip: skipNoPatch },
  () =>
    assertRefused(
      makeTree(undefined, (name, text) =>
        name === "aq_ring.c"
          ? text.replace("self->frame_max = AQ_CFG_RX_FRAME_MAX;", "self->frame_max = 4096;")
          : text,
      ),
      base.kernelRelease,
      /does not fit.*nothing was changed.*aq_ring\.c: hunk 1 does not match/,
    ),
);

test("a tree that already has the parameter is refused", { skip: skipNoPatch }, async () => {
  const tree = makeTree();
  spawnSync("/usr/bin/patch", ["-s", "-p1", "-d", join(tree, ATLANTIC_SUBDIR), "-i", defaultPatchFile()]);
  await assertRefused(tree, base.kernelRelease, /already contains the change/);
});

test("a tree without one of the patched files is refused", { skip: skipNoPatch }, async () => {
  const tree = makeTree();
  rmSync(join(tree, ATLANTIC_SUBDIR, "aq_nic.h"));
  await assertRefused(tree, base.kernelRelease, /not an atlantic driver source: aq_nic\.h missing/);
});

test("a source of another series is refused with the package to install", async () => {
  const tree = makeTree({ v: 6, p: 1, s: 192 });
  await assertRefused(
    tree,
    base.kernelRelease,
    /Linux 6\.1\.192, but kernel 6\.12\.117\+deb12-amd64 needs 6\.12/,
  );
  const e = (() => {
    try {
      checkSourceFits("VERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 192\n", "6.12.117+deb12-amd64", "/usr/src/x");
    } catch (err) {
      return err;
    }
    return null;
  })();
  assert.ok(e instanceof SourceRefused);
  assert.equal(
    e.hint,
    "install them with: sudo apt install linux-source-6.12 (or give a 6.12 tree with --source)",
  );
});

test("a directory that is not a kernel tree is refused", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tenbolt-empty-"));
  await assertRefused(dir, base.kernelRelease, /is not a kernel source tree/);
});

test(
  "the patcher itself is all or nothing: a failing hunk in one file leaves the others untouched",
  { skip: skipNoPatch },
  async () => {
    const tree = makeTree(undefined, (name, text) =>
      name === "aq_ring.c"
        ? text.replace("self->frame_max = AQ_CFG_RX_FRAME_MAX;", "self->frame_max = 4096;")
        : text,
    );
    try {
      const dir = join(tree, ATLANTIC_SUBDIR);
      const before = snapshot(dir);
      await assert.rejects(applyRxPageOrderPatch(dir, spawnRunner), PatchDoesNotApply);
      assert.deepEqual(snapshot(dir), before);
      assert.equal(existsSync(join(dir, "aq_ring.c.rej")), false);
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  },
);

test("a driver source with a symlink in it is refused before patching", async () => {
  const tree = makeTree();
  symlinkSync("/etc/passwd", join(tree, ATLANTIC_SUBDIR, "aq_hw.h"));
  await assertRefused(tree, base.kernelRelease, /contains aq_hw\.h, which is not a regular file/);
});
