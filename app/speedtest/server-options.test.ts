// Stock `iperf3 -c` options the server must honour in reverse and bidir tests, as a stock iperf3
// server does: -n/-k stop its sending streams, -b/--fq-rate pace them, --get-server-output returns
// its text, and options it cannot apply are named. Loopback only, each test bounded.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { SpeedtestServer, type ServerEvent } from "./server.js";
import { iperf3Unavailable, runIperf3Client } from "../../test/netns/iperf3.js";

let skip: string | false = false;
before(async () => {
  skip = (await iperf3Unavailable()) ?? false;
});

async function withServer(args: string[]) {
  const events: ServerEvent[] = [];
  const srv = await SpeedtestServer.listen({
    port: 0,
    bind: "127.0.0.1",
    once: true,
    onEvent: (e) => events.push(e),
  });
  try {
    const r = await runIperf3Client("127.0.0.1", srv.port, args, { timeoutMs: 20_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    await srv.closed;
    return { r, json: JSON.parse(r.stdout) as Record<string, unknown>, events };
  } finally {
    await srv.close();
  }
}

const MiB = 1024 * 1024;

test(
  "-R -n: the server sends exactly the requested bytes (whole blocks), as iperf3 does",
  { timeout: 30_000 },
  async (t) => {
    if (skip) return t.skip(skip);
    const { r } = await withServer(["-R", "-n", "10M"]);
    assert.equal(r.end.receivedBytes, 10 * MiB);
    assert.equal(r.end.sentBytes, 10 * MiB);
  },
);

test("-R -P 2 -n: the budget is shared by all sending streams", { timeout: 30_000 }, async (t) => {
  if (skip) return t.skip(skip);
  // 10 MB is not a whole number of 128 KiB blocks: iperf3 rounds up to the next block.
  const { r } = await withServer(["-R", "-P", "2", "-n", "10000000"]);
  assert.equal(r.end.sentBytes, Math.ceil(10_000_000 / 131072) * 131072);
});

test(
  "-R -k with -l: the server stops after that many blocks of that length",
  { timeout: 30_000 },
  async (t) => {
    if (skip) return t.skip(skip);
    const { r } = await withServer(["-R", "-k", "300", "-l", "32K"]);
    // The client stops at 300 reads, which may be fewer bytes than 300 blocks; never more.
    assert.ok(r.end.sentBytes <= 300 * 32768, `sent ${r.end.sentBytes}`);
    assert.ok(r.end.receivedBytes > 0 && r.end.receivedBytes <= r.end.sentBytes);
  },
);

for (const c of [
  { name: "-R -b 200M", args: ["-R", "-b", "200M"], bps: 200e6 },
  { name: "-R -P 2 -b 100M (per stream)", args: ["-R", "-P", "2", "-b", "100M"], bps: 200e6 },
  { name: "-R --fq-rate 150M", args: ["-R", "--fq-rate", "150M"], bps: 150e6 },
]) {
  test(`${c.name}: the server paces its sending streams`, { timeout: 30_000 }, async (t) => {
    if (skip) return t.skip(skip);
    const { r } = await withServer(["-t", "2", ...c.args]);
    const rate = r.end.receivedBitsPerSecond;
    assert.ok(Math.abs(rate - c.bps) / c.bps < 0.05, `receiver rate ${rate} for a target of ${c.bps}`);
  });
}

test("--bidir -b 100M: both directions paced, the server's too", { timeout: 30_000 }, async (t) => {
  if (skip) return t.skip(skip);
  const { json } = await withServer(["-t", "2", "--bidir", "-b", "100M"]);
  const end = json.end as Record<string, { bits_per_second: number }>;
  for (const k of ["sum_received", "sum_received_bidir_reverse"]) {
    const rate = end[k]?.bits_per_second ?? 0;
    assert.ok(Math.abs(rate - 100e6) / 100e6 < 0.05, `${k}: ${rate}`);
  }
});

test(
  "--get-server-output: the client gets the server's text, with its counts",
  { timeout: 30_000 },
  async (t) => {
    if (skip) return t.skip(skip);
    const { json, events } = await withServer(["-R", "-n", "4M", "--get-server-output"]);
    const text = json.server_output_text;
    assert.equal(typeof text, "string");
    assert.match(text as string, /Accepted connection from 127\.0\.0\.1:\d+/);
    assert.match(text as string, /\[ {2}1\] .*4\.00 MBytes .* sender/);
    assert.ok(events.some((e) => e.type === "test-done" && e.sentBytes === 4 * MiB));
  },
);

test("options the server cannot apply are named in its test-start event", { timeout: 30_000 }, async (t) => {
  if (skip) return t.skip(skip);
  const { events } = await withServer(["-t", "1", "-S", "16", "-w", "1M", "-C", "cubic", "-A", "0,1"]);
  const start = events.find((e) => e.type === "test-start");
  assert.ok(start && start.type === "test-start");
  assert.deepEqual([...start.ignored].sort(), ["-A", "-C", "-S", "-w"]);
});

test("-N and --repeating-payload are applied, not named as ignored", { timeout: 30_000 }, async (t) => {
  if (skip) return t.skip(skip);
  const { r, events } = await withServer(["-R", "-N", "--repeating-payload", "-n", "1M"]);
  assert.equal(r.end.receivedBytes, MiB);
  const start = events.find((e) => e.type === "test-start");
  assert.ok(start && start.type === "test-start" && start.ignored.length === 0);
});

test(
  "stopping the server mid-test sends SERVER_TERMINATE: a stock client says so",
  { timeout: 30_000 },
  async (t) => {
    if (skip) return t.skip(skip);
    const srv = await SpeedtestServer.listen({ port: 0, bind: "127.0.0.1", once: false });
    const run = runIperf3Client("127.0.0.1", srv.port, ["-t", "5", "-R"], { timeoutMs: 20_000 });
    await new Promise((r) => setTimeout(r, 1500));
    await srv.close();
    const r = await run;
    assert.match(r.end.error ?? "", /the server has terminated/, r.stdout + r.stderr);
  },
);
