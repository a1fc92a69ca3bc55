// Source lookup and the headers check against a fake root: what is found, and what the user is told
// to install when nothing fits.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findAtlanticSource, headersDir } from "./source.js";
import { UserError } from "../errors.js";

function fakeRoot(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "tenbolt-src-root-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const makefile = (minor: number, sub: number) => `VERSION = 6\nPATCHLEVEL = ${minor}\nSUBLEVEL = ${sub}\n`;
const ATL = "drivers/net/ethernet/aquantia/atlantic/aq_nic.c";

function refusal(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  assert.fail("expected a refusal");
}

test("the distribution tarball of the kernel's series is found", () => {
  const root = fakeRoot({ "usr/src/linux-source-6.12.tar.xz": "", "usr/src/linux-source-6.1.tar.xz": "" });
  try {
    assert.deepEqual(findAtlanticSource("6.12.117+deb12-amd64", undefined, root), {
      kind: "tarball",
      path: "/usr/src/linux-source-6.12.tar.xz",
      series: { major: 6, minor: 12 },
    });
    assert.equal(
      findAtlanticSource("6.1.0-56-amd64", undefined, root).path,
      "/usr/src/linux-source-6.1.tar.xz",
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("an extracted linux-source tree is preferred over the tarball (no unpacking)", () => {
  const root = fakeRoot({
    "usr/src/linux-source-6.12.tar.xz": "",
    "usr/src/linux-source-6.12/Makefile": makefile(12, 117),
    [`usr/src/linux-source-6.12/${ATL}`]: "",
  });
  try {
    assert.deepEqual(findAtlanticSource("6.12.117+deb12-amd64", undefined, root), {
      kind: "tree",
      path: "/usr/src/linux-source-6.12",
      version: "6.12.117",
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("no source: say which package to install", () => {
  const root = fakeRoot({ "usr/src/linux-source-6.1.tar.xz": "" });
  try {
    const e = refusal(() => findAtlanticSource("6.12.117+deb12-amd64", undefined, root));
    assert.match(e.message, /^no Linux 6\.12 source found for kernel 6\.12\.117\+deb12-amd64/);
    assert.equal(
      e.hint,
      "install it with: sudo apt install linux-source-6.12 (or give a tree or tarball with --source PATH)",
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("a given source of another series is refused, by tarball name or tree Makefile", () => {
  const root = fakeRoot({
    "srv/linux-source-6.1.tar.xz": "",
    "srv/tree/Makefile": makefile(1, 192),
    [`srv/tree/${ATL}`]: "",
    "srv/notes.txt": "",
  });
  try {
    const byName = refusal(() =>
      findAtlanticSource("6.12.117+deb12-amd64", "/srv/linux-source-6.1.tar.xz", root),
    );
    assert.match(
      byName.message,
      /is Linux 6\.1, but kernel 6\.12\.117\+deb12-amd64 needs Linux 6\.12 sources/,
    );
    assert.match(byName.hint ?? "", /sudo apt install linux-source-6\.12/);
    const byTree = refusal(() => findAtlanticSource("6.12.117+deb12-amd64", "/srv/tree", root));
    assert.match(byTree.message, /^\/srv\/tree is Linux 6\.1\.192, but/);
    assert.deepEqual(findAtlanticSource("6.1.0-56-amd64", "/srv/tree", root), {
      kind: "tree",
      path: "/srv/tree",
      version: "6.1.192",
    });
    assert.match(
      refusal(() => findAtlanticSource("6.1.0-56-amd64", "/srv/notes.txt", root)).message,
      /neither a directory nor/,
    );
    assert.match(
      refusal(() => findAtlanticSource("6.1.0-56-amd64", "/srv/missing", root)).message,
      /does not exist/,
    );
    assert.equal(refusal(() => findAtlanticSource("linux", undefined, root)).exitCode, 2);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("headers: present, missing (with the package), or a release that is not one", () => {
  const root = fakeRoot({ "lib/modules/6.12.117+deb12-amd64/build/Makefile": "" });
  try {
    assert.equal(headersDir("6.12.117+deb12-amd64", root), "/lib/modules/6.12.117+deb12-amd64/build");
    const e = refusal(() => headersDir("6.1.0-56-amd64", root));
    assert.equal(
      e.message,
      "the headers of kernel 6.1.0-56-amd64 are not installed (/lib/modules/6.1.0-56-amd64/build is missing)",
    );
    assert.match(e.hint ?? "", /sudo apt install linux-headers-6\.1\.0-56-amd64/);
    assert.equal(refusal(() => headersDir("6.1/../../etc", root)).exitCode, 2);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("a different patch level of the same series is noted, Debian 6.1 ABI numbers are not", async () => {
  const { patchLevelNote } = await import("./build.js");
  assert.equal(patchLevelNote("6.12.117+deb12-amd64", 117), null);
  assert.equal(patchLevelNote("6.1.0-56-amd64", 192), null);
  assert.match(
    patchLevelNote("6.12.115+deb12-amd64", 117) ?? "",
    /source is patch level 117, the kernel 115/,
  );
});
