// The small pure decisions behind detection.
import { test } from "node:test";
import assert from "node:assert/strict";
import { atlanticChip } from "./atlantic-ids.js";
import { bootDisablesIommu, iommuBootOptions, translation, unitVendor } from "./iommu.js";
import { modelName } from "./model.js";
import { isPciAddress } from "./pci.js";
import { parseLockdown, parseSecureBoot } from "./security.js";
import { parseAuthorized, routeDepth } from "./thunderbolt.js";

test("atlantic table: chips by ID, other vendors and unknown IDs are not atlantic", () => {
  assert.equal(atlanticChip("1d6a", "00b1")?.chip, "AQC100");
  assert.equal(atlanticChip("1d6a", "80b1")?.chip, "AQC100S");
  assert.equal(atlanticChip("1d6a", "87b1")?.chip, "AQC107S");
  assert.equal(atlanticChip("1d6a", "04c0")?.chip, "AQC113");
  assert.equal(atlanticChip("1d6a", "11c0")?.maxSpeedMbps, 1000);
  assert.equal(atlanticChip("1d6a", "ffff"), null);
  assert.equal(atlanticChip("8086", "00b1"), null);
  assert.equal(atlanticChip(null, "00b1"), null);
});

test("route depth: one byte per hop", () => {
  assert.equal(routeDepth("0"), 0);
  assert.equal(routeDepth("2"), 1);
  assert.equal(routeDepth("502"), 2);
  assert.equal(routeDepth("30502"), 3);
});

test("authorized: 0 / 1 / 2 and garbage", () => {
  assert.equal(parseAuthorized("0"), false);
  assert.equal(parseAuthorized("1"), true);
  assert.equal(parseAuthorized("2"), true);
  assert.equal(parseAuthorized("yes"), null);
  assert.equal(parseAuthorized(null), null);
});

test("group type decides translation and strictness", () => {
  assert.deepEqual(translation(5, "DMA", true), { translated: true, strict: true });
  assert.deepEqual(translation(5, "DMA-FQ", true), { translated: true, strict: false });
  assert.deepEqual(translation(5, "identity", true), { translated: false, strict: false });
  assert.deepEqual(translation(5, "blocked", true), { translated: null, strict: null });
  assert.deepEqual(translation(5, null, true), { translated: null, strict: null });
  assert.deepEqual(translation(null, null, false), { translated: false, strict: false });
  assert.deepEqual(translation(null, null, null), { translated: null, strict: null });
});

test("IOMMU boot options are picked from the command line verbatim", () => {
  const opts = iommuBootOptions(
    "root=/dev/sda1 quiet iommu=pt amd_iommu=off iommu.strict=1 intel_iommu=on,sm_on iommuxyz",
  );
  assert.deepEqual(opts, ["iommu=pt", "amd_iommu=off", "iommu.strict=1", "intel_iommu=on,sm_on"]);
  assert.equal(bootDisablesIommu(["iommu=off"], null), true);
  assert.equal(bootDisablesIommu(["amd_iommu=off"], "intel"), false);
  assert.equal(bootDisablesIommu(["iommu=pt"], "amd"), false);
  assert.equal(unitVendor("ivhd0"), "amd");
  assert.equal(unitVendor("dmar1"), "intel");
  assert.equal(unitVendor("smmu3.0x0"), null);
});

test("Secure Boot: 4 attribute bytes then the value", () => {
  assert.equal(parseSecureBoot(Buffer.from([6, 0, 0, 0, 1])), true);
  assert.equal(parseSecureBoot(Buffer.from([6, 0, 0, 0, 0])), false);
  assert.equal(parseSecureBoot(Buffer.from([6, 0, 0, 0])), null);
  assert.equal(parseSecureBoot(Buffer.from([6, 0, 0, 0, 9])), null);
  assert.equal(parseLockdown("[none] integrity confidentiality"), "none");
  assert.equal(parseLockdown("none integrity [confidentiality]"), "confidentiality");
  assert.equal(parseLockdown("none integrity"), null);
});

test("model: DROM names, no doubled vendor, subsystem table, else null", () => {
  assert.equal(modelName("QNAP", "QNA-T310G1S", null, null), "QNAP QNA-T310G1S");
  assert.equal(modelName("OWC", "OWC Thunderbolt 3 10G", null, null), "OWC Thunderbolt 3 10G");
  assert.equal(
    modelName(null, null, "16b8", "72e1"),
    "Sonnet Solo 10G Thunderbolt 3 PCIe 10Gb Ethernet Adapter",
  );
  assert.equal(modelName(null, null, "1baa", "0001"), null);
});

test("PCI addresses, including VMD domains", () => {
  assert.equal(isPciAddress("0000:63:00.0"), true);
  assert.equal(isPciAddress("10000:e1:00.0"), true);
  assert.equal(isPciAddress("0000:63:00.8"), false);
  assert.equal(isPciAddress("pci0000:00"), false);
  assert.equal(isPciAddress("63:00.0"), false);
});
