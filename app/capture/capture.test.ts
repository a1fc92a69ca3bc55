// capture -> detect gives the identical report, for every fixture; capture never overwrites.
import { test } from "node:test";
import assert from "node:assert/strict";
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { capture } from "./capture.js";
import { detectReport } from "../detect/full-report.js";
import { UsageError } from "../errors.js";

const FIXTURES = fileURLToPath(new URL("../../../test/fixtures/", import.meta.url));
const names = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), "tenbolt-capture-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test("there are fixtures to capture", () => {
  assert.ok(names.length >= 6, `found ${names.join(", ")}`);
});

for (const name of names) {
  test(`capture then detect is identical: ${name}`, (t) => {
    const out = join(tempDir(t), "capture");
    const r = capture(FIXTURES + name, out);
    assert.ok(r.files > 0 && r.links > 0);
    const original = detectReport(FIXTURES + name);
    const again = detectReport(out);
    assert.deepEqual({ ...again, root: "" }, { ...original, root: "" });
    // Symlinks keep their relative targets, as the kernel wrote them.
    const pci = join(out, "sys/bus/pci/devices");
    for (const e of readdirSync(pci)) {
      assert.ok(lstatSync(join(pci, e)).isSymbolicLink());
      assert.match(readlinkSync(join(pci, e)), /^\.\.\/\.\.\/\.\.\/devices\/pci/);
    }
  });
}

test("capture copies only what detection read", (t) => {
  const out = join(tempDir(t), "capture");
  capture(FIXTURES + "amd-strix-qna-t310g1s-stock", out);
  // The fixture has a uevent file per device and devlink attributes; detection reads neither.
  const nic = "sys/devices/pci0000:00/0000:00:01.2/0000:60:00.0/0000:61:01.0/0000:63:00.0";
  assert.ok(lstatSync(join(out, nic, "vendor")).isFile());
  assert.throws(() => lstatSync(join(out, nic, "uevent")), /ENOENT/);
  assert.throws(() => lstatSync(join(out, "sys/devices/virtual/devlink")), /ENOENT/);
  // Unrelated devices: only their IDs were needed to see they are not adapters.
  const lan = "sys/devices/pci0000:00/0000:00:02.1/0000:bf:00.0";
  assert.ok(lstatSync(join(out, lan, "vendor")).isFile());
  assert.throws(() => lstatSync(join(out, lan, "class")), /ENOENT/);
});

test("capture refuses an existing non-empty folder and leaves it alone", (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, "keep.txt"), "mine");
  assert.throws(
    () => capture(FIXTURES + "laptop-no-adapter", dir),
    (e: unknown) => e instanceof UsageError && /not empty/.test(e.message),
  );
  assert.deepEqual(readdirSync(dir), ["keep.txt"]);
  assert.throws(
    () => capture(FIXTURES + "laptop-no-adapter", join(dir, "keep.txt")),
    (e: unknown) => e instanceof UsageError && /not a directory/.test(e.message),
  );
});

test("capture into an existing empty folder works; a bad root creates nothing", (t) => {
  const dir = tempDir(t);
  const empty = join(dir, "empty");
  mkdirSync(empty);
  capture(FIXTURES + "laptop-no-adapter", empty);
  assert.ok(readdirSync(empty).includes("sys"));
  assert.throws(() => capture(join(dir, "missing"), join(dir, "out")), UsageError);
  assert.throws(() => lstatSync(join(dir, "out")), /ENOENT/);
});
