// The pure protocol pieces: framing, parameters, results, with seeded fuzzing (no crash, only
// typed errors), plus the facts checked on the wire against iperf3 3.12.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ByteQueue,
  decodeJson,
  decodeServerErrorTail,
  decodeState,
  encodeJson,
  encodeState,
  FramingError,
  NEED_MORE,
} from "./framing.js";
import { buildParams, parseParams } from "./params.js";
import { buildResults, parseResults } from "./results.js";
import { makeCookie, COOKIE_SIZE } from "./constants.js";
import { randomBytes } from "node:crypto";
import { prng } from "../../../test/support/prng.js";

type Msg = { kind: "state"; v: number } | { kind: "json"; v: unknown };

test("a stream of states and JSON blocks decodes the same whatever the segmentation", () => {
  const r = prng(1);
  for (let round = 0; round < 500; round++) {
    const msgs: Msg[] = Array.from({ length: 1 + r.int(8) }, () =>
      r.next() < 0.5
        ? { kind: "state" as const, v: [1, 2, 4, 9, 10, 13, 14, 16, -1, -2][r.int(10)] as number }
        : { kind: "json" as const, v: { n: r.int(1e9), s: "x".repeat(r.int(50)), a: [r.next()] } },
    );
    const wire = Buffer.concat(msgs.map((m) => (m.kind === "state" ? encodeState(m.v) : encodeJson(m.v))));
    const q = new ByteQueue();
    let off = 0;
    const got: unknown[] = [];
    for (const m of msgs) {
      for (;;) {
        const v = m.kind === "state" ? decodeState(q) : decodeJson(q, 1 << 20);
        if (v !== NEED_MORE) {
          got.push(v);
          break;
        }
        assert.ok(off < wire.length, "decoder wants more than was sent");
        const n = 1 + r.int(7);
        q.push(wire.subarray(off, off + n));
        off += n;
      }
    }
    assert.deepEqual(
      got,
      msgs.map((m) => m.v),
    );
  }
});

test("fuzz: malformed lengths, bytes and JSON give NEED_MORE, a value or a FramingError only", () => {
  const r = prng(2);
  let errors = 0;
  for (let i = 0; i < 5000; i++) {
    const q = new ByteQueue();
    const kind = r.int(4);
    if (kind === 0) q.push(r.bytes(r.int(64)));
    else {
      const body =
        kind === 1
          ? r.bytes(r.int(100))
          : kind === 2
            ? Buffer.from(JSON.stringify({ k: r.int(10) }).slice(0, r.int(12)))
            : Buffer.from([0xc3, 0x28, 0xa0, 0xa1].slice(0, 1 + r.int(4)));
      const len = r.next() < 0.3 ? r.int(2 ** 32) : body.length;
      const head = Buffer.alloc(4);
      head.writeUInt32BE(len >>> 0);
      q.push(Buffer.concat([head, body]));
    }
    try {
      const v = decodeJson(q, 8192);
      assert.ok(v === NEED_MORE || v !== undefined);
    } catch (e) {
      assert.ok(e instanceof FramingError, `unexpected ${String(e)}`);
      errors++;
    }
  }
  assert.ok(errors > 100, "the fuzzer reached the error paths");
});

test("a huge announced length fails at once, before its body arrives", () => {
  const q = new ByteQueue();
  q.push(Buffer.from([0xff, 0xff, 0xff, 0xff]));
  assert.throws(
    () => decodeJson(q, 8192),
    (e: unknown) => e instanceof FramingError && e.code === "too-large",
  );
});

test("SERVER_ERROR tail: 8 bytes, or whatever old servers sent before EOF", () => {
  const q = new ByteQueue();
  q.push(Buffer.from([0, 0, 0, 27, 0, 0]));
  assert.equal(decodeServerErrorTail(q, false), NEED_MORE);
  q.push(Buffer.from([0, 5]));
  assert.deepEqual(decodeServerErrorTail(q, false), { ierrno: 27, errno: 5 });
  const q4 = new ByteQueue();
  q4.push(Buffer.from([0, 0, 0, 142]));
  assert.deepEqual(decodeServerErrorTail(q4, true), { ierrno: 142, errno: null });
  assert.deepEqual(decodeServerErrorTail(new ByteQueue(), true), { ierrno: null, errno: null });
});

test("cookie: 36 characters of iperf3's alphabet and a NUL", () => {
  const c = makeCookie(randomBytes);
  assert.equal(c.length, COOKIE_SIZE);
  assert.match(c.subarray(0, 36).toString("latin1"), /^[a-z2-7]{36}$/);
  assert.equal(c[36], 0);
});

test("parameters as a stock 3.12 client sends them, exact types", () => {
  const p = buildParams({ direction: "download", streams: 4, time: 10, omit: 0, blockLen: 131072 }, "3.12");
  // Seen on the wire from iperf3 3.12 -R -P 4 (key order included).
  assert.equal(
    JSON.stringify(p),
    '{"tcp":true,"omit":0,"time":10,"num":0,"blockcount":0,"parallel":4,"reverse":true,"len":131072,"pacing_timer":1000,"client_version":"3.12"}',
  );
  const b = buildParams({ direction: "bidir", streams: 1, time: 2, omit: 1, blockLen: 1000 }, "x");
  assert.equal(b.bidirectional, true);
  assert.equal("reverse" in b, false);
});

test("server reads parameters like 3.18+: wrong types ignored, limits enforced", () => {
  const ok = parseParams({ tcp: true, parallel: "2", time: 3, reverse: true, window: 1 << 20 });
  assert.ok(ok.ok);
  assert.equal(ok.streams, 1, "a string parallel is ignored");
  assert.equal(ok.direction, "download");
  assert.deepEqual(ok.ignored, ["-w"]);
  assert.deepEqual(parseParams({ udp: true }), {
    ok: false,
    ierrno: 13,
    reason: "only TCP tests are supported",
  });
  const many = parseParams({ tcp: true, parallel: 129 });
  assert.ok(!many.ok && many.ierrno === 6);
  const big = parseParams({ tcp: true, len: 2 * 1024 * 1024 });
  assert.ok(!big.ok && big.ierrno === 7);
  assert.ok(!parseParams("nope").ok);
});

test("fuzz: random parameter objects never throw", () => {
  const r = prng(3);
  const keys = [
    "tcp",
    "udp",
    "omit",
    "time",
    "parallel",
    "reverse",
    "bidirectional",
    "len",
    "client_version",
    "x",
  ];
  const values = [true, false, null, 0, -1, 1.5, 2 ** 63, "2", [], {}, 131072, 16];
  for (let i = 0; i < 3000; i++) {
    const o: Record<string, unknown> = {};
    for (let k = r.int(8); k > 0; k--) o[keys[r.int(keys.length)] as string] = values[r.int(values.length)];
    const p = parseParams(r.next() < 0.05 ? values[r.int(values.length)] : o);
    if (p.ok) assert.ok(p.streams >= 1 && p.streams <= 128 && p.blockLen >= 1);
    else assert.ok(typeof p.ierrno === "number");
  }
});

test("results: 3.12's 18446744073709551615 reads as -1; missing required keys are refused", () => {
  const wire =
    '{"cpu_util_total":0.11,"cpu_util_user":0,"cpu_util_system":0.11,"sender_has_retransmits":18446744073709551615,' +
    '"congestion_used":"bbr","streams":[{"id":1,"bytes":1310720,"retransmits":18446744073709551615,"jitter":0,' +
    '"errors":0,"packets":0,"start_time":0,"end_time":1.001169}]}';
  const r = parseResults(JSON.parse(wire));
  assert.ok(r.ok);
  assert.equal(r.value.sender_has_retransmits, -1);
  assert.equal(r.value.streams[0]?.retransmits, -1);
  assert.equal(r.value.streams[0]?.bytes, 1310720);
  assert.ok(!parseResults({ cpu_util_total: 1, streams: [] }).ok);
});

test("our results carry every key stock iperf3 requires", () => {
  const r = buildResults(
    [{ id: 1, bytes: 5, seconds: 1, retransmits: -1 }],
    { total: 1, user: 0.5, system: 0.5 },
    -1,
  );
  const s = r.streams[0] as Record<string, unknown>;
  for (const k of ["id", "bytes", "retransmits", "jitter", "errors", "packets"]) assert.ok(k in s, k);
  for (const k of ["cpu_util_total", "cpu_util_user", "cpu_util_system", "sender_has_retransmits"])
    assert.ok(k in r, k);
  assert.ok(parseResults(JSON.parse(JSON.stringify(r))).ok);
});

test("fuzz: random results values never throw", () => {
  const r = prng(4);
  const vals = [null, 1, -1, 2 ** 64, "1", true, [], {}, [{ id: 1 }], 0.5];
  for (let i = 0; i < 3000; i++) {
    const o: Record<string, unknown> = {};
    for (const k of [
      "cpu_util_total",
      "cpu_util_user",
      "cpu_util_system",
      "sender_has_retransmits",
      "streams",
    ])
      if (r.next() < 0.8) o[k] = vals[r.int(vals.length)];
    if (r.next() < 0.3)
      o.streams = [
        { id: r.int(5), bytes: vals[r.int(vals.length)], retransmits: -1, jitter: 0, errors: 0, packets: 0 },
      ];
    const p = parseResults(o);
    assert.equal(typeof p.ok, "boolean");
  }
});
