import { test } from "node:test";
import assert from "node:assert/strict";
import { makeAdapter, makeDetection, findingsWith } from "../../../test/support/detection-factory.js";

test("secure-boot-module-signing: Secure Boot on and stock driver", () => {
  const [f] = findingsWith(
    makeDetection({ security: { secureBoot: true, lockdown: "integrity" } }),
    "secure-boot-module-signing",
  );
  assert.equal(f?.severity, "warning");
  assert.ok(f?.actions.some((a) => a.startsWith("sudo mokutil --import /var/lib/dkms/mok.pub")));
  assert.ok(f?.evidence.includes("lockdown: integrity"));
});

test("secure-boot-module-signing: lockdown alone (Secure Boot state unreadable)", () => {
  const d = makeDetection({ security: { secureBoot: null, lockdown: "confidentiality" } });
  assert.equal(findingsWith(d, "secure-boot-module-signing").length, 1);
});

test("secure-boot-module-signing: absent without Secure Boot, once patched, or without adapters", () => {
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
  const noneLock = makeDetection({ security: { secureBoot: false, lockdown: "none" } });
  assert.equal(findingsWith(noneLock, "secure-boot-module-signing").length, 0);
});
