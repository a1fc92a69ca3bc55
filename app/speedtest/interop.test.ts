// Our client against stock `iperf3 -s`, and stock `iperf3 -c` against our server, on loopback.
// Both sides count independently; the test checks they agree on the bytes moved.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { runClient } from "./client.js";
import { SpeedtestServer, type ServerEvent } from "./server.js";
import { systemRunner } from "../system/runner.js";
import { freePort, iperf3Unavailable, runIperf3Client, startIperf3Server } from "../../test/netns/iperf3.js";
import { speedtestResultSchema } from "./result.js";
import type { Direction } from "./protocol/params.js";

let skip: string | false = false;
before(async () => {
  skip = (await iperf3Unavailable()) ?? false;
});

/** In-flight data: the receiver may lag the sender by what sits in socket buffers. */
/** With --omit each side restarts its counters on its own clock, so allow `slack` either way. */
function assertAgree(sent: number, received: number, what: string, slack = 0) {
  assert.ok(sent > 0 && received > 0, `${what}: nothing moved (sent ${sent}, received ${received})`);
  assert.ok(received <= sent * (1 + slack) + 2 * 1024 * 1024, `${what}: received ${received} > sent ${sent}`);
  assert.ok(received >= sent * 0.9, `${what}: received ${received} far below sent ${sent}`);
}

const clientCases: { name: string; host: string; direction: Direction; streams: number; omit?: number }[] = [
  { name: "upload with --omit 1", host: "127.0.0.1", direction: "upload", streams: 1, omit: 1 },
  { name: "upload over IPv4", host: "127.0.0.1", direction: "upload", streams: 1 },
  { name: "download (reverse) over IPv4", host: "127.0.0.1", direction: "download", streams: 1 },
  { name: "4 parallel streams", host: "127.0.0.1", direction: "upload", streams: 4 },
  { name: "bidir", host: "127.0.0.1", direction: "bidir", streams: 1 },
  { name: "upload over ::1", host: "::1", direction: "upload", streams: 1 },
  { name: "download over ::1, 2 streams", host: "::1", direction: "download", streams: 2 },
];

let uploadsWithRetransmits = 0;

for (const c of clientCases) {
  test(`client vs iperf3 -s: ${c.name}`, { timeout: 30_000 }, async (t) => {
    if (skip) return t.skip(skip);
    const port = await freePort();
    const srv = await startIperf3Server(port, { once: true, json: true });
    try {
      const r = await runClient({
        host: c.host,
        port,
        bindAddress: null,
        direction: c.direction,
        streams: c.streams,
        time: 1,
        omit: c.omit ?? 0,
        blockLen: 131072,
        runner: systemRunner,
      });
      assert.equal(await srv.exited, 0);
      speedtestResultSchema.parse(r);
      const theirs = JSON.parse(srv.stdout()) as {
        end: {
          sum_sent: { bytes: number; seconds: number; bits_per_second: number };
          sum_received: { bytes: number; seconds: number; bits_per_second: number };
        };
      };
      // Intervals add up to the totals: the last partial one (writes that drained) is reported.
      const sum = (role: "send" | "recv") =>
        r.intervals
          .filter((iv) => !iv.omitted)
          .reduce(
            (a, iv) => a + iv.streams.filter((s) => s.role === role).reduce((b, s) => b + s.bytes, 0),
            0,
          );
      assert.equal(sum("send"), r.sent.bytes, "sent intervals add up to the total");
      assert.equal(sum("recv"), r.received.bytes, "received intervals add up to the total");
      assert.equal(r.direction, c.direction);
      assert.equal(r.streamTotals.length, c.direction === "bidir" ? 2 * c.streams : c.streams);
      assert.deepEqual(
        r.streamTotals.map((s) => s.id),
        r.streamTotals.map((_, i) => (i === 0 ? 1 : i + 2)),
      );
      assert.ok(r.intervals.length >= 1);
      if (c.direction === "upload") {
        // iperf3's own count of what it received vs what we wrote.
        assertAgree(r.sent.bytes, theirs.end.sum_received.bytes, "upload", c.omit ? 0.03 : 0);
        assert.equal(r.remote.received.bytes, theirs.end.sum_received.bytes);
        // Seconds and rates as the peer's JSON has them; our sender's rate is not overstated.
        const line = r.lines[0];
        assert.ok(line);
        assert.ok(Math.abs(line.receiver.seconds - theirs.end.sum_received.seconds) < 1e-3);
        assert.ok(Math.abs(line.receiver.bitsPerSecond / theirs.end.sum_received.bits_per_second - 1) < 1e-3);
        // The sender's clock runs to its last write, as its intervals do.
        const measured = r.intervals.filter((iv) => !iv.omitted);
        const span = (measured.at(-1)?.end ?? 0) - (measured[0]?.start ?? 0);
        assert.ok(
          Math.abs(line.sender.seconds - span) < 1e-5,
          `sender ${line.sender.seconds} s, intervals ${span} s`,
        );
        // One stream: what sits in socket buffers is small next to 1 s of loopback.
        const over = line.sender.bitsPerSecond / theirs.end.sum_received.bits_per_second - 1;
        if (c.streams === 1)
          assert.ok(over < 0.01, `sender rate ${(over * 100).toFixed(2)} % above the peer's receiver`);
        assert.equal(r.received.bytes, 0);
        // A single reading can miss a short test's sockets on a loaded machine; across all upload
        // cases at least one must have read them (checked after the last case).
        if (typeof r.retransmits === "number") uploadsWithRetransmits++;
      } else if (c.direction === "download") {
        assertAgree(theirs.end.sum_sent.bytes, r.received.bytes, "download");
        assert.equal(r.remote.sent.bytes, theirs.end.sum_sent.bytes);
        assert.equal(r.sent.bytes, 0);
      } else {
        assert.ok(r.sent.bytes > 0 && r.received.bytes > 0, "bidir moved data both ways");
        assert.equal(r.lines.length, 2);
      }
    } finally {
      await srv.stop();
    }
  });
}

test("retransmits were read from ss in the upload cases", () => {
  assert.ok(uploadsWithRetransmits > 0, "no upload case read its retransmits from ss");
});

const serverCases: { name: string; args: string[]; direction: Direction; slack?: number }[] = [
  { name: "plain", args: [], direction: "upload" },
  { name: "-R", args: ["-R"], direction: "download" },
  { name: "-P 4", args: ["-P", "4"], direction: "upload" },
  { name: "--bidir", args: ["--bidir"], direction: "bidir" },
  { name: "-R -P 2 -O 1", args: ["-R", "-P", "2", "-O", "1"], direction: "download", slack: 0.03 },
];

for (const c of serverCases) {
  test(`iperf3 -c ${c.name} vs our server`, { timeout: 30_000 }, async (t) => {
    if (skip) return t.skip(skip);
    const events: ServerEvent[] = [];
    const srv = await SpeedtestServer.listen({
      port: 0,
      bind: "127.0.0.1",
      once: true,
      onEvent: (e) => events.push(e),
    });
    try {
      const r = await runIperf3Client("127.0.0.1", srv.port, ["-t", "1", ...c.args]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      await srv.closed;
      const done = events.find((e) => e.type === "test-done");
      assert.ok(done && done.type === "test-done", JSON.stringify(events));
      assert.equal(done.direction, c.direction);
      const e = r.end;
      // The stock client divides by the seconds each side reports: ours must be the test's length
      // (a doubled end_time would halve the rate it prints).
      assert.ok(
        Math.abs(e.sentSeconds - e.receivedSeconds) < 0.2,
        `${e.sentSeconds} s vs ${e.receivedSeconds} s`,
      );
      if (c.direction === "upload") {
        assertAgree(e.sentBytes, done.receivedBytes, "iperf3 sent, we received");
        assert.equal(e.receivedBytes, done.receivedBytes, "iperf3 shows our count");
      } else if (c.direction === "download") {
        assertAgree(done.sentBytes, e.receivedBytes, "we sent, iperf3 received", c.slack);
        assert.equal(e.sentBytes, done.sentBytes, "iperf3 shows our count");
        const over = e.sentBitsPerSecond / e.receivedBitsPerSecond - 1;
        if (!c.slack)
          assert.ok(over < 0.01, `our sender rate ${(over * 100).toFixed(2)} % above iperf3's receiver`);
      } else {
        assertAgree(e.sentBytes, done.receivedBytes, "bidir: iperf3 -> us");
        assert.ok((e.reverseReceivedBytes ?? 0) > 0, "bidir: us -> iperf3");
        assertAgree(done.sentBytes, e.reverseReceivedBytes ?? 0, "bidir: us -> iperf3", c.slack);
      }
    } finally {
      await srv.close();
    }
  });
}
