// SysRoot: symlinks resolved inside the root, values parsed defensively, reads traced for capture.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newTrace, SysRoot } from "./root.js";

function tree(t: { after: (fn: () => void) => void }): string {
  const root = mkdtempSync(join(tmpdir(), "tenbolt-sysroot-"));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, "sys/devices/pci0000:00/0000:00:01.0"), { recursive: true });
  mkdirSync(join(root, "sys/bus/pci/devices"), { recursive: true });
  writeFileSync(join(root, "sys/devices/pci0000:00/0000:00:01.0/vendor"), "0x1D6A\n");
  writeFileSync(join(root, "sys/devices/pci0000:00/0000:00:01.0/width"), "4\n");
  symlinkSync("../../../devices/pci0000:00/0000:00:01.0", join(root, "sys/bus/pci/devices/0000:00:01.0"));
  return root;
}

test("relative links resolve to the canonical path; reads are traced", (t) => {
  const root = tree(t);
  const trace = newTrace();
  const sys = new SysRoot(root, trace);
  assert.equal(sys.resolve("/sys/bus/pci/devices/0000:00:01.0"), "/sys/devices/pci0000:00/0000:00:01.0");
  assert.equal(sys.readHexId("/sys/bus/pci/devices/0000:00:01.0/vendor"), "1d6a");
  assert.equal(sys.readInt("/sys/bus/pci/devices/0000:00:01.0/width"), 4);
  assert.deepEqual(sys.list("/sys/bus/pci/devices"), ["0000:00:01.0"]);
  assert.deepEqual(
    [...trace.links],
    [["/sys/bus/pci/devices/0000:00:01.0", "../../../devices/pci0000:00/0000:00:01.0"]],
  );
  assert.deepEqual([...trace.files].sort(), [
    "/sys/devices/pci0000:00/0000:00:01.0/vendor",
    "/sys/devices/pci0000:00/0000:00:01.0/width",
  ]);
  assert.deepEqual([...trace.dirs], ["/sys/bus/pci/devices"]);
});

test("absolute targets are re-rooted and .. stops at the root", (t) => {
  const root = tree(t);
  symlinkSync("/sys/devices/pci0000:00", join(root, "sys/abs"));
  symlinkSync("../../../../../../../sys/devices", join(root, "sys/up"));
  const sys = new SysRoot(root);
  assert.equal(sys.resolve("/sys/abs/0000:00:01.0/vendor"), "/sys/devices/pci0000:00/0000:00:01.0/vendor");
  assert.equal(sys.resolve("/sys/up/pci0000:00"), "/sys/devices/pci0000:00");
  assert.equal(sys.readAttr("/sys/abs/../../etc/passwd"), null);
});

test("loops, missing parents and garbage give null", (t) => {
  const root = tree(t);
  symlinkSync("loop", join(root, "sys/loop"));
  writeFileSync(join(root, "sys/bin"), Buffer.from([0x30, 0x00, 0x31]));
  writeFileSync(join(root, "sys/hex"), "0xZZZZ\n");
  writeFileSync(join(root, "sys/big"), "99999999999999999999\n");
  const sys = new SysRoot(root);
  assert.equal(sys.resolve("/sys/loop"), null);
  assert.equal(sys.resolve("/sys/missing/child"), null);
  assert.equal(sys.resolve("/sys/missing"), "/sys/missing", "a missing last component keeps its name");
  assert.equal(sys.readAttr("/sys/bin"), null);
  assert.equal(sys.readHexId("/sys/hex"), null);
  assert.equal(sys.readInt("/sys/big"), null);
  assert.equal(sys.readAttr("/sys/devices"), null, "a directory is not a value");
  assert.deepEqual(sys.list("/sys/hex"), []);
});
