import { test } from "node:test";
import assert from "node:assert/strict";
import { FindingSchema } from "../detect/report.js";
import { diagnose } from "./diagnose.js";
import { SEVERITY_ORDER } from "./finding.js";
import {
  makeAdapter,
  makeDetection,
  makeInternalAdapter,
  makePending,
} from "../../test/support/detection-factory.js";

test("findings are valid and sorted critical > warning > info > ok", () => {
  // A report that triggers every severity: an unprotected TB adapter (critical), a pending device (warning),
  // a tunnel artifact (info), and an internal card with the fix in force (ok).
  const d = makeDetection({
    adapters: [
      makeInternalAdapter({ driver: { patched: true, rxPageOrder: 3 } }),
      makeAdapter({ iommu: { group: null, type: null, translated: false, strict: null } }),
    ],
    pendingThunderbolt: [makePending({ device: "0-1", domain: "domain0" })],
    iommu: { enabled: false, bootOptions: ["iommu=off"] },
  });
  const findings = diagnose(d);
  for (const f of findings) FindingSchema.parse(f);
  const severities = findings.map((f) => f.severity);
  assert.deepEqual(new Set(severities), new Set(SEVERITY_ORDER), "every severity is represented");
  const ranks = severities.map((s) => SEVERITY_ORDER.indexOf(s));
  assert.deepEqual(
    ranks,
    [...ranks].sort((a, b) => a - b),
    `sorted by severity: ${severities.join(",")}`,
  );
  assert.equal(findings[0]?.id, "iommu-off");
  assert.equal(findings.at(-1)?.id, "preset-active");
});

test("every finding has a title, a plain explanation and evidence", () => {
  const d = makeDetection({
    adapters: [makeAdapter({ nic: { mtu: 9000, carrier: true, linkSpeedMbps: 1000 } })],
    security: { secureBoot: true, lockdown: "integrity" },
  });
  const findings = diagnose(d);
  assert.ok(findings.length >= 4);
  for (const f of findings) {
    assert.ok(f.title.length > 10, f.id);
    assert.ok(f.detail.length > 60, f.id);
    assert.ok(f.evidence.length > 0, `${f.id} has evidence`);
  }
});

test("the reference machine (stock driver, strict IOMMU) gets exactly the expected ids", () => {
  assert.deepEqual(
    diagnose(makeDetection()).map((f) => `${f.severity}:${f.id}`),
    ["warning:rx-page-order-low", "info:pcie-link-tunnel-artifact"],
  );
});

test("the same machine with the patched driver at order 3", () => {
  const d = makeDetection({ adapters: [makeAdapter({ driver: { patched: true, rxPageOrder: 3 } })] });
  assert.deepEqual(
    diagnose(d).map((f) => f.id),
    ["pcie-link-tunnel-artifact", "preset-active"],
  );
});

test("diagnose does not mutate its input", () => {
  const d = makeDetection({ pendingThunderbolt: [makePending()] });
  const before = JSON.stringify(d);
  diagnose(d);
  assert.equal(JSON.stringify(d), before);
});
