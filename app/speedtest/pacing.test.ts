import { test } from "node:test";
import assert from "node:assert/strict";
import { pace, SendBudget } from "./pacing.js";
import { makePayload } from "./stream-io.js";
import { parseParams } from "./protocol/params.js";

test("budget: -n rounds up to whole blocks, -k counts blocks, time is unlimited", () => {
  const b = new SendBudget({ kind: "bytes", bytes: 1000 }, 300);
  assert.equal(b.take(3), 3);
  assert.equal(b.take(3), 1, "ceil(1000 / 300) = 4 blocks in all");
  assert.equal(b.take(1), 0);
  assert.ok(b.spent);
  const k = new SendBudget({ kind: "blocks", blocks: 5 }, 300);
  assert.equal(k.take(8), 5);
  assert.equal(new SendBudget({ kind: "time" }, 300).take(1e6), 1e6);
});

test("pace: catch up while below the average rate, else wait until at it", () => {
  // 8 Mbit/s = 1 MB/s: after 10 ms, 10 000 bytes are due.
  assert.deepEqual(pace(10, 0, 8e6, 1000, 100), { send: 10 });
  assert.deepEqual(pace(10, 4000, 8e6, 1000, 100), { send: 6 });
  assert.deepEqual(pace(10, 4000, 8e6, 1000, 2), { send: 2 }, "at most maxBlocks");
  assert.deepEqual(pace(0, 0, 8e6, 1000, 100), { send: 1 }, "the first block goes at once");
  const w = pace(10, 15000, 8e6, 1000, 100);
  assert.ok("waitMs" in w && Math.abs(w.waitMs - 5) < 1e-9, JSON.stringify(w));
});

test("--repeating-payload: every block is the digits 0-9 from its start", () => {
  const p = makePayload(12, true);
  assert.equal(p.subarray(0, 24).toString("latin1"), "012345678901012345678901");
  assert.equal(p.length % 12, 0);
});

test("server params: -n/-k, -b/--fq-rate, burst, -N, flags it cannot apply", () => {
  const p = parseParams({
    tcp: true,
    reverse: true,
    num: 1e6,
    blockcount: 0,
    bandwidth: 2e8,
    fqrate: 1e8,
    burst: 4,
    nodelay: true,
    repeating_payload: 1,
    get_server_output: 1,
    TOS: 16,
    server_affinity: 1,
    zerocopy: 1,
  });
  assert.ok(p.ok);
  assert.deepEqual(p.limit, { kind: "bytes", bytes: 1e6 });
  assert.equal(p.rateBps, 1e8, "the lower of -b and --fq-rate");
  assert.equal(p.burst, 4);
  assert.ok(p.noDelay && p.repeatingPayload && p.getServerOutput);
  assert.deepEqual(p.ignored, ["-S", "-A", "-Z"]);
  const k = parseParams({ tcp: true, blockcount: 7 });
  assert.ok(k.ok && k.limit.kind === "blocks" && k.limit.blocks === 7 && k.rateBps === 0);
  const neg = parseParams({ tcp: true, num: -1 });
  assert.ok(!neg.ok && neg.ierrno === 114);
  const burst = parseParams({ tcp: true, burst: 1001 });
  assert.ok(!burst.ok && burst.ierrno === 15);
});
