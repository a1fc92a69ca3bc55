import { test } from "node:test";
import assert from "node:assert/strict";
import { makeAdapter, makeDetection, findingsWith } from "../../../test/support/detection-factory.js";

const signing = (security: object) => findingsWith(makeDetection({ security }), "secure-boot-module-signing");

test("module signing: sig_enforce on is refused with 'Key was rejected by service'", () => {
  const [f] = signing({ secureBoot: false, lockdown: "none", sigEnforce: true });
  assert.equal(f?.severity, "warning");
  assert.match(f?.detail ?? "", /Key was rejected by service/);
  assert.doesNotMatch(f?.detail ?? "", /Secure Boot is on/);
  assert.ok(f?.actions.some((a) => a.startsWith("sudo mokutil --import /var/lib/dkms/mok.pub")));
  assert.ok(f?.evidence.includes("sig_enforce: true"));
});

test("module signing: lockdown alone fails with 'Operation not permitted', never says Secure Boot is on", () => {
  const [f] = signing({ secureBoot: null, lockdown: "confidentiality", sigEnforce: false });
  assert.equal(f?.severity, "warning");
  assert.match(f?.detail ?? "", /"Operation not permitted"/);
  assert.doesNotMatch(f?.detail ?? "", /Secure Boot|Key was rejected/);
  const [g] = signing({ secureBoot: true, lockdown: "integrity", sigEnforce: false });
  assert.match(g?.detail ?? "", /because Secure Boot is on/);
  assert.ok(g?.evidence.includes("lockdown: integrity"));
});

test("module signing: Secure Boot on, lockdown none, sig_enforce off loads and taints (info)", () => {
  const [f] = signing({ secureBoot: true, lockdown: "none", sigEnforce: false });
  assert.equal(f?.severity, "info");
  assert.match(f?.detail ?? "", /tainting kernel/);
  assert.doesNotMatch(f?.detail ?? "", /Key was rejected|Operation not permitted/);
});

test("module signing: absent without any of them, once patched, or without adapters", () => {
  assert.equal(findingsWith(makeDetection(), "secure-boot-module-signing").length, 0);
  const sb = { secureBoot: true, lockdown: "integrity" } as const;
  const patched = makeAdapter({ driver: { patched: true, rxPageOrder: 3 } });
  assert.equal(
    findingsWith(makeDetection({ security: sb, adapters: [patched] }), "secure-boot-module-signing").length,
    0,
  );
  assert.equal(
    findingsWith(makeDetection({ security: sb, adapters: [] }), "secure-boot-module-signing").length,
    0,
  );
});
