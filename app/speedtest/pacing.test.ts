import { test } from "node:test";
import assert from "node:assert/strict";
import { pace, SendBudget } from "./pacing.js";
import { EventEmitter } from "node:events";
import type { Socket } from "node:net";
import { makePayload, startSender } from "./stream-io.js";
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

test("the payload is one block of -l bytes; --repeating-payload fills it with 0-9", () => {
  const p = makePayload(12, true);
  assert.equal(p.toString("latin1"), "012345678901");
  assert.equal(makePayload(1000).length, 1000);
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

/** A socket that takes every write at once and records its size. */
function recordingSocket() {
  const e = new EventEmitter() as EventEmitter & {
    destroyed: boolean;
    sizes: number[];
    write(b: Buffer, cb: (err?: Error | null) => void): boolean;
  };
  e.destroyed = false;
  e.sizes = [];
  e.write = (b, cb) => {
    e.sizes.push(b.length);
    queueMicrotask(() => cb(null));
    return e.sizes.length % 50 !== 0; // backpressure now and then
  };
  setInterval(() => e.emit("drain"), 1).unref();
  return e;
}

test("sender: one write per -l block; a -k budget stops it after exactly that many", async () => {
  const sock = recordingSocket();
  let counted = 0;
  const s = startSender(sock as unknown as Socket, makePayload(1000), (n) => (counted += n), {
    rateBps: 0,
    burst: 1,
    budget: new SendBudget({ kind: "blocks", blocks: 123 }, 1000),
  });
  await new Promise((r) => setTimeout(r, 50));
  await s.stop();
  assert.equal(sock.sizes.length, 123);
  assert.ok(sock.sizes.every((n) => n === 1000));
  assert.equal(counted, 123_000);
});

test("sender: -b paces the average rate", async () => {
  const sock = recordingSocket();
  let counted = 0;
  // 8 Mbit/s of 1000-byte blocks: 1000 blocks per second, about 200 in 200 ms.
  const s = startSender(sock as unknown as Socket, makePayload(1000), (n) => (counted += n), {
    rateBps: 8e6,
    burst: 1,
    budget: null,
  });
  await new Promise((r) => setTimeout(r, 200));
  await s.stop();
  assert.ok(counted >= 150_000 && counted <= 260_000, `sent ${counted} bytes in 200 ms`);
});
