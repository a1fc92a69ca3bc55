// Diagnosis on the fixture trees (detect, then diagnose): each case of issue 10 both ways.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { detect } from "../detect/detect.js";
import { diagnose } from "./diagnose.js";

const FIXTURES = fileURLToPath(new URL("../../../test/fixtures/", import.meta.url));
const findingsOf = (fixture: string) => diagnose(detect(FIXTURES + fixture));
const one = (fixture: string, id: string) => findingsOf(fixture).filter((f) => f.id === id);

test("fixture amd-strix-qna-iommu-pt: identity domain on a Thunderbolt adapter while the IOMMU runs", () => {
  const [f, ...rest] = one("amd-strix-qna-iommu-pt", "iommu-off");
  assert.equal(rest.length, 0);
  assert.equal(f?.severity, "critical");
  assert.match(f?.title ?? "", /bypasses the IOMMU although it is on/);
  assert.match(f?.detail ?? "", /iommu=pt/);
  assert.match(f?.detail ?? "", /iommu_dma_protection is 0/);
  assert.doesNotMatch(f?.detail ?? "", /Without the IOMMU/);
  assert.ok(f?.actions.some((a) => a.startsWith("Remove iommu=pt")));
  assert.ok(f?.actions.some((a) => a.includes("Kernel DMA Protection")));
  assert.ok(!f?.actions.some((a) => a.startsWith("Enable the IOMMU")));
  assert.ok(f?.evidence.includes("domain1 iommu_dma_protection: 0"));
  // The same adapter translated (the reference tree): no such finding.
  assert.equal(one("amd-strix-qna-t310g1s-stock", "iommu-off").length, 0);
});

test("fixtures: module signing, one text per case", () => {
  const [taint] = one("amd-strix-secure-boot-no-lockdown", "secure-boot-module-signing");
  assert.equal(taint?.severity, "info");
  assert.match(taint?.detail ?? "", /tainting kernel/);
  const [enforced] = one("amd-strix-sig-enforce", "secure-boot-module-signing");
  assert.match(enforced?.detail ?? "", /Key was rejected by service/);
  assert.doesNotMatch(enforced?.detail ?? "", /Secure Boot is on/);
  // The patched tree: Secure Boot with lockdown integrity, but the fix is in place, so nothing to say.
  assert.equal(one("amd-strix-qna-t310g1s-patched", "secure-boot-module-signing").length, 0);
  assert.equal(one("amd-strix-qna-t310g1s-stock", "secure-boot-module-signing").length, 0);
});

test("fixtures: sig_enforce is read from sys/module/module/parameters", () => {
  assert.equal(detect(FIXTURES + "amd-strix-sig-enforce").security.sigEnforce, true);
  assert.equal(detect(FIXTURES + "amd-strix-qna-t310g1s-stock").security.sigEnforce, false);
});

test("fixtures: iommu=off overridden by Intel platform opt-in is reported from units and groups", () => {
  const d = detect(FIXTURES + "intel-sonnet-optin-iommu-off");
  assert.equal(d.iommu.enabled, true);
  assert.equal(d.iommu.vendor, "intel");
  const ids = diagnose(d).map((f) => f.id);
  assert.ok(ids.includes("iommu-boot-option-ignored"), ids.join(","));
  assert.ok(!ids.includes("iommu-off"), ids.join(","));
  const [f] = one("intel-sonnet-optin-iommu-off", "iommu-boot-option-ignored");
  assert.match(f?.detail ?? "", /only intel_iommu=off/);
  assert.ok(f?.evidence.includes("iommu units: dmar0"));
  // Without opt-in (no units, no groups) the same option does switch it off.
  assert.equal(one("intel-sonnet-solo10g-iommu-off", "iommu-off").length, 1);
  assert.equal(one("intel-sonnet-solo10g-iommu-off", "iommu-boot-option-ignored").length, 0);
});

test("fixtures: amd_iommu=off on an Intel machine changes nothing", () => {
  const ids = findingsOf("intel-sonnet-amd-iommu-off").map((f) => f.id);
  assert.ok(ids.includes("iommu-boot-option-foreign"), ids.join(","));
  assert.ok(!ids.includes("iommu-off") && !ids.includes("iommu-boot-option-ignored"), ids.join(","));
  assert.equal(one("intel-sonnet-optin-iommu-off", "iommu-boot-option-foreign").length, 0);
});

test("fixtures: only words before -- are kernel options; swiotlb=noforce breaks an untrusted adapter", () => {
  const d = detect(FIXTURES + "intel-sonnet-swiotlb-noforce");
  assert.deepEqual(d.iommu.bootOptions, ["swiotlb=noforce"]);
  const [f] = one("intel-sonnet-swiotlb-noforce", "swiotlb-noforce-untrusted");
  assert.equal(f?.severity, "critical");
  assert.match(f?.detail ?? "", /bounce buffers are inactive/);
  assert.equal(one("intel-sonnet-optin-iommu-off", "swiotlb-noforce-untrusted").length, 0);
});

test("fixtures: tunnel placeholder on the root port vs a genuinely slow NIC link inside the adapter", () => {
  const [slow] = one("amd-strix-qna-slow-nic-link", "pcie-link-slow");
  assert.match(slow?.title ?? "", /inside the adapter/);
  assert.equal(one("amd-strix-qna-t310g1s-stock", "pcie-link-slow").length, 0);
  const [art] = one("amd-strix-qna-t310g1s-stock", "pcie-link-tunnel-artifact");
  assert.match(art?.detail ?? "", /0000:00:01\.2/);
});

test("wording: rx-page-order-low says 'may', names the host, and an internal strict card is not 'Thunderbolt'", () => {
  const [f] = one("amd-strix-qna-t310g1s-stock", "rx-page-order-low");
  assert.match(f?.title ?? "", /may receive at about a quarter/);
  assert.match(f?.detail ?? "", /AMD Strix Halo host/);
  assert.match(f?.detail ?? "", /translates Thunderbolt devices in strict mode/);
});

test("wording: no adapter on a machine without any Thunderbolt subsystem says so, not 'check the cable'", () => {
  const d = detect(FIXTURES + "desktop-aqc113-pcie");
  const none = diagnose({ ...d, adapters: [] }).find((f) => f.id === "no-adapter");
  assert.match(none?.detail ?? "", /no Thunderbolt or USB4 controller at all/);
  assert.doesNotMatch(none?.detail ?? "", /cable/);
  const [laptop] = one("laptop-no-adapter", "no-adapter");
  assert.match(laptop?.detail ?? "", /cable/);
});
