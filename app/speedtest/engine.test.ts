// Pure pieces of the engine: stream plan, intervals, ss parsing, result assembly.
import { test } from "node:test";
import assert from "node:assert/strict";
import { planStreams, serverRole } from "./plan.js";
import { IntervalRecorder } from "./intervals.js";
import { parseSsRetransmits, RetransmitWatcher } from "./retransmits.js";
import type { Runner } from "../system/runner.js";
import { interfaceFor } from "./iface.js";
import { assembleResult } from "./summary.js";
import { speedtestResultSchema } from "./result.js";

test("stream plan: ids 1, 3, 4, ...; bidir sends first; the server does the opposite", () => {
  const p = planStreams("bidir", 2);
  assert.deepEqual(
    p.map((s) => [s.id, s.clientRole]),
    [
      [1, "send"],
      [3, "send"],
      [4, "recv"],
      [5, "recv"],
    ],
  );
  assert.deepEqual(planStreams("download", 1).map(serverRole), ["send"]);
});

test("intervals: per-stream deltas over the elapsed time, sums per direction", () => {
  const rec = new IntervalRecorder(planStreams("bidir", 1));
  const a = rec.mark(1, [1_000_000, 500_000], false);
  assert.equal(a.sentBitsPerSecond, 8_000_000);
  assert.equal(a.receivedBitsPerSecond, 4_000_000);
  assert.equal(a.bitsPerSecond, 12_000_000);
  const b = rec.mark(3, [2_000_000, 500_000], true);
  assert.equal(b.start, 1);
  assert.equal(b.sentBitsPerSecond, 4_000_000);
  assert.equal(b.receivedBitsPerSecond, 0);
  assert.equal(b.omitted, true);
});

test("ss -tinH: total retransmits per local port, 0 when ss omits the field", () => {
  const text = [
    "ESTAB 0      3932160          127.0.0.1:51748          127.0.0.1:5202 ",
    "\t bbr wscale:10,10 rto:204 rtt:0.089/0.053 mss:65483 cwnd:14 unacked:14 retrans:0/17 dsack_dups:1",
    "ESTAB 0      0               [::1]:40000          [::1]:5201 ",
    "\t cubic wscale:7,7 rto:204 rtt:0.034/0.02",
  ].join("\n");
  const m = parseSsRetransmits(text);
  assert.equal(m.get(51748), 17);
  assert.equal(m.get(40000), 0);
  assert.equal(m.get(1), undefined);
});

test("interface: the scope of a link-local host, else the owner of the local address", () => {
  assert.equal(interfaceFor("fe80::1%enp99s0", "fe80::2"), "enp99s0");
  const ifaces = { lo: [{ address: "127.0.0.1" }], enp5s0: [{ address: "192.168.1.2" }] };
  assert.equal(interfaceFor("nas", "::ffff:192.168.1.2", ifaces), "enp5s0");
  assert.equal(interfaceFor("nas", "10.0.0.1", ifaces), null);
});

test("result: both sides' views, iperf3's line pair, valid against the schema", () => {
  const slots = planStreams("upload", 2);
  const r = assembleResult({
    spec: { direction: "upload", streams: 2, time: 2, omit: 0, blockLen: 131072 },
    server: { host: "nas", port: 5201, address: "192.168.1.5" },
    local: { address: "192.168.1.2", port: 40000 },
    startedAt: new Date(0),
    finishedAt: new Date(2000),
    seconds: 2,
    streams: [
      { slot: slots[0]!, bytes: 1000, retransmits: 3 },
      { slot: slots[1]!, bytes: 3000, retransmits: 1 },
    ],
    intervals: [],
    remote: {
      cpu_util_total: 10,
      cpu_util_user: 1,
      cpu_util_system: 9,
      sender_has_retransmits: -1,
      streams: [
        {
          id: 1,
          bytes: 900,
          retransmits: -1,
          jitter: 0,
          errors: 0,
          packets: 0,
          start_time: 0,
          end_time: 2.5,
        },
        {
          id: 3,
          bytes: 2900,
          retransmits: -1,
          jitter: 0,
          errors: 0,
          packets: 0,
          start_time: 0,
          end_time: 2.5,
        },
      ],
    },
    cpu: { total: 50, user: 5, system: 45 },
    counters: null,
  });
  speedtestResultSchema.parse(r);
  assert.deepEqual(r.sent, { bytes: 4000, bitsPerSecond: 16000 });
  assert.deepEqual(r.received, { bytes: 0, bitsPerSecond: 0 });
  assert.equal(r.retransmits, 4);
  assert.equal(r.lines.length, 1);
  assert.equal(r.lines[0]?.receiver.bytes, 3800);
  assert.equal(
    r.lines[0]?.receiver.bitsPerSecond,
    (3800 * 8) / 2.5,
    "the receiver's own end_time sets its rate",
  );
  assert.equal(r.remote.received.bytes, 3800);
});

test("eventStream: events in order as an async iterable, ending after the run", async () => {
  const { eventStream } = await import("./events.js");
  const seen: string[] = [];
  for await (const e of eventStream(async (sink) => {
    sink({ type: "connected", server: "s:1", local: "l:2", streams: 1 });
    await new Promise((r) => setTimeout(r, 5));
    sink({ type: "started" });
    sink({ type: "counters", counters: null });
  }))
    seen.push(e.type);
  assert.deepEqual(seen, ["connected", "started", "counters"]);
});

test("retransmits restart at the omit mark, as iperf3's do", async () => {
  const seen = [5, 9, 12];
  let call = 0;
  const runner: Runner = {
    run: () => {
      const n = seen[Math.min(call++, seen.length - 1)] ?? 0;
      const text = `ESTAB 0 0 127.0.0.1:40000 127.0.0.1:5201\n\t cubic retrans:0/${n}\n`;
      return Promise.resolve({ code: 0, stdout: text, stderr: "" } as Awaited<ReturnType<Runner["run"]>>);
    },
  };
  const w = new RetransmitWatcher(runner, [40000]);
  w.sample();
  await w.result();
  w.sample(true); // omit ends: 9 retransmits so far
  await w.result();
  w.sample();
  assert.deepEqual(await w.result(), [3]);
  const plain = new RetransmitWatcher(runner, [40000]);
  plain.sample();
  assert.deepEqual(await plain.result(), [12], "no omit: the total");
});
