// Bad trees: garbage attributes, unreadable files, loops, FIFOs, a wrong --root. Each must give an
// unknown value or one clear error, never a throw from deep inside detection.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
  chmodSync,
} from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { detect } from "./detect.js";
import { UsageError } from "../errors.js";

const FIXTURES = fileURLToPath(new URL("../../../test/fixtures/", import.meta.url));
const NIC = "sys/devices/pci0000:00/0000:00:01.2/0000:60:00.0/0000:61:01.0/0000:63:00.0";
const TB = "sys/devices/pci0000:00/0000:00:08.3/0000:c5:00.6/domain1/1-0/1-2";

/** A private copy of a fixture (symlinks kept as they are), removed after the test. */
function copyOf(name: string, t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), "tenbolt-robust-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const root = join(dir, "root");
  cpSync(FIXTURES + name, root, { recursive: true, verbatimSymlinks: true });
  return root;
}

test("garbage IDs (0xZZZZ, empty, binary) hide a device instead of crashing", (t) => {
  const root = copyOf("amd-strix-qna-t310g1s-stock", t);
  writeFileSync(join(root, NIC, "vendor"), "0xZZZZ\n");
  assert.equal(detect(root).adapters.length, 0, "vendor unreadable -> not recognised as atlantic");
  writeFileSync(join(root, NIC, "vendor"), "0x1d6a\n");
  writeFileSync(join(root, NIC, "device"), "");
  assert.equal(detect(root).adapters.length, 0);
  writeFileSync(join(root, NIC, "device"), "0x00b1\n");
  writeFileSync(join(root, NIC, "subsystem_vendor"), Buffer.from([0, 0xff, 0xfe, 7]));
  const a = detect(root).adapters[0];
  assert.ok(a);
  assert.equal(a.nic.subsystemVendorId, null);
  assert.equal(a.nic.chip, "AQC100");
});

test("garbage values become null, the rest of the report stands", (t) => {
  const root = copyOf("amd-strix-qna-t310g1s-stock", t);
  const net = join(root, NIC, "net/enp99s0");
  writeFileSync(join(net, "speed"), "fast\n");
  writeFileSync(join(net, "mtu"), Buffer.from([0x00, 0x01, 0x02]));
  writeFileSync(join(net, "carrier"), "\n");
  writeFileSync(join(net, "address"), "not-a-mac\n");
  writeFileSync(join(root, "sys/kernel/iommu_groups/20/type"), Buffer.from([0xde, 0xad, 0xbe, 0xef]));
  writeFileSync(join(root, TB, "generation"), "0xZZZZ\n");
  writeFileSync(join(root, TB, "authorized"), "maybe\n");
  writeFileSync(join(root, NIC, "current_link_speed"), "Unknown\n");
  writeFileSync(join(root, "sys/module/atlantic/parameters/aq_itr"), "");
  writeFileSync(join(root, "sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c"), "x");
  writeFileSync(join(root, "sys/kernel/security/lockdown"), "none integrity\n");
  const d = detect(root);
  const a = d.adapters[0];
  assert.ok(a);
  assert.equal(a.nic.linkSpeedMbps, null);
  assert.equal(a.nic.mtu, null);
  assert.equal(a.nic.carrier, null);
  assert.equal(a.nic.mac, null);
  assert.equal(a.nic.interface, "enp99s0");
  assert.equal(a.iommu.type, null);
  assert.equal(a.iommu.translated, null);
  assert.equal(a.thunderbolt?.generation, null);
  // authorized unreadable, but the router carries a PCIe NIC, so it must be authorized.
  assert.equal(a.thunderbolt?.authorized, true);
  assert.deepEqual(d.pendingThunderbolt, []);
  assert.equal(a.nic.pcieLink.speed, null);
  assert.equal(a.driver.parameters.aq_itr, undefined);
  assert.equal(d.security.secureBoot, null);
  assert.equal(d.security.lockdown, null);
});

test("unreadable files (a directory in place of a file) are unknown values", (t) => {
  const root = copyOf("amd-strix-qna-t310g1s-patched", t);
  const param = join(root, "sys/module/atlantic/parameters/rxpageorder");
  unlinkSync(param);
  mkdirSync(param);
  unlinkSync(join(root, "proc/cmdline"));
  mkdirSync(join(root, "proc/cmdline"));
  const d = detect(root);
  const a = d.adapters[0];
  assert.ok(a);
  assert.equal(a.driver.patched, true, "the parameter exists: the driver is the patched one");
  assert.equal(a.driver.rxPageOrder, null, "its value cannot be read");
  assert.equal(d.kernel.cmdline, null);
  assert.deepEqual(d.iommu.bootOptions, []);
});

test("a file without read permission is an unknown value", (t) => {
  if (process.getuid?.() === 0) {
    t.skip("running as root: permissions do not stop root from reading (covered by the directory case)");
    return;
  }
  const root = copyOf("amd-strix-qna-t310g1s-patched", t);
  chmodSync(join(root, "sys/module/atlantic/parameters/rxpageorder"), 0o000);
  assert.equal(detect(root).adapters[0]?.driver.rxPageOrder, null);
});

test("a FIFO in the tree does not block detection", (t) => {
  const root = copyOf("amd-strix-qna-t310g1s-stock", t);
  unlinkSync(join(root, "proc/cmdline"));
  const r = spawnSync("mkfifo", [join(root, "proc/cmdline")]);
  if (r.status !== 0) {
    t.skip("mkfifo not available");
    return;
  }
  assert.equal(detect(root).kernel.cmdline, null);
});

test("symlink loops and links pointing outside the root stay inside the root", (t) => {
  const root = copyOf("amd-strix-qna-t310g1s-stock", t);
  const entry = join(root, "sys/bus/pci/devices/0000:63:00.0");
  unlinkSync(entry);
  symlinkSync("0000:63:00.0", entry); // points at itself
  assert.equal(detect(root).adapters.length, 0);
  unlinkSync(entry);
  // Absolute target: re-rooted inside the tree, so it finds the tree's device, not the host's.
  symlinkSync("/" + NIC, entry);
  assert.equal(detect(root).adapters[0]?.nic.pciAddress, "0000:63:00.0");
  unlinkSync(join(root, "proc/sys/kernel/osrelease"));
  symlinkSync("../../../../../../../../etc/hostname", join(root, "proc/sys/kernel/osrelease"));
  assert.equal(detect(root).kernel.release, null, ".. stops at the root");
});

test("a root that does not exist, is a file, or holds no sys/proc is a usage error", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tenbolt-root-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "file"), "x");
  const expect = (root: string, re: RegExp) =>
    assert.throws(
      () => detect(root),
      (e: unknown) => e instanceof UsageError && re.test(e.message) && e.exitCode === 2,
    );
  expect(join(dir, "missing"), /does not exist/);
  expect(join(dir, "file"), /is not a directory/);
  expect(dir, /neither sys\/ nor proc\//);
});

test("an empty sysfs gives an empty report, not an error", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tenbolt-empty-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "sys"));
  const d = detect(dir);
  assert.deepEqual(d.adapters, []);
  assert.equal(d.iommu.enabled, null);
  assert.equal(d.security.secureBoot, null);
});

test("an IOMMU unit with an unusual name is recognised by its attribute group", (t) => {
  const root = copyOf("desktop-aqc113-pcie", t);
  unlinkSync(join(root, "sys/class/iommu/ivhd0"));
  mkdirSync(join(root, "sys/devices/virtual/iommu/iommu7/amd-iommu"), { recursive: true });
  writeFileSync(join(root, "sys/devices/virtual/iommu/iommu7/amd-iommu/cap"), "0x0\n");
  symlinkSync("../../devices/virtual/iommu/iommu7", join(root, "sys/class/iommu/iommu7"));
  const d = detect(root);
  assert.deepEqual(d.iommu.units, [{ name: "iommu7", vendor: "amd" }]);
  assert.equal(d.iommu.vendor, "amd");
});
