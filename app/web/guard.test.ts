// The web host's pure decisions: loopback Host only (DNS rebinding), Origin of the page itself,
// constant-time token compare, the cookie, and static paths that never leave the renderer's folder.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cookieToken, hostAllowed, originAllowed, resolveStatic, tokenMatches } from "./guard.js";

test("only the loopback names of this port are this server", () => {
  assert.equal(hostAllowed("127.0.0.1:7310", 7310), true);
  assert.equal(hostAllowed("localhost:7310", 7310), true);
  assert.equal(hostAllowed("127.0.0.1:7311", 7310), false);
  assert.equal(hostAllowed("evil.example:7310", 7310), false, "a rebinding name is refused");
  assert.equal(hostAllowed(undefined, 7310), false);
});

test("the socket accepts only the page's own origin", () => {
  assert.equal(originAllowed("http://127.0.0.1:7310", "127.0.0.1:7310", 7310), true);
  assert.equal(originAllowed("http://evil.example", "127.0.0.1:7310", 7310), false);
  assert.equal(originAllowed("http://localhost:7310", "127.0.0.1:7310", 7310), false);
  assert.equal(originAllowed(undefined, "127.0.0.1:7310", 7310), false);
});

test("tokens match only exactly, and the cookie carries one", () => {
  const t = "ab".repeat(32);
  assert.equal(tokenMatches(t, t), true);
  assert.equal(tokenMatches(t.slice(0, -1) + "c", t), false);
  assert.equal(tokenMatches(t.slice(1), t), false);
  assert.equal(tokenMatches(null, t), false);
  assert.equal(cookieToken(`a=1; tenbolt_token=${t}; b=2`), t);
  assert.equal(cookieToken("tenbolt_tokenx=1"), null);
  assert.equal(cookieToken(undefined), null);
});

test("static paths stay inside the renderer's folder", () => {
  const root = "/srv/renderer";
  assert.equal(resolveStatic(root, "/"), "/srv/renderer/index.html");
  assert.equal(resolveStatic(root, "/app.js"), "/srv/renderer/app.js");
  assert.equal(resolveStatic(root, "/../etc/passwd"), null);
  assert.equal(resolveStatic(root, "/%2e%2e/etc/passwd"), null);
  assert.equal(resolveStatic(root, "/a\0b"), null);
});
