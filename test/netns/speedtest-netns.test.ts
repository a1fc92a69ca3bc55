// Two namespaces joined by veth, both ends shaped with tbf at 2 Gbit/s: the measured rate must be
// within 5 % of the shaping rate, IPv6 link-local with a %scope must work, and a stock iperf3
// client must measure the same against our server. The client runs as a child process inside
// its namespace (`ip netns exec`), as a user would run it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createNetnsPair, netnsUnavailable, type NetnsPair } from "./netns.js";
import { runIperf3Client, startIperf3Server, waitListening } from "./iperf3.js";
import { systemRunner } from "../../app/system/runner.js";
import { speedtestResultSchema, type SpeedtestResult } from "../../app/speedtest/result.js";

const RATE = 2e9;
let skip: string | false = false;
let pair: NetnsPair | null = null;

before(async () => {
  skip = (await netnsUnavailable()) ?? false;
  // MTU 9000: tbf counts whole frames, so at MTU 1500 headers alone would take 4.4 % of the 5 %.
  if (!skip) pair = await createNetnsPair({ rate: "2gbit", burst: "1mb", mtu: 9000 });
});

after(async () => {
  await pair?.destroy();
});

async function tenbolt(ns: string, args: string[], timeoutMs = 30_000) {
  return systemRunner.run("ip", ["netns", "exec", ns, process.execPath, "bin/tenbolt.js", ...args], {
    timeoutMs,
  });
}

/**
 * Up to two runs, the better one counts: the runner's two cores are shared with everything else
 * (a busy core shows as a dip), while a real protocol or data-path fault fails both runs.
 */
async function bestOf2(run: () => Promise<number>): Promise<number> {
  const first = await run();
  if (Math.abs(first - RATE) / RATE <= 0.05) return first;
  return Math.max(first, await run());
}

function within5(bps: number, what: string) {
  assert.ok(
    Math.abs(bps - RATE) / RATE <= 0.05,
    `${what}: ${(bps / 1e9).toFixed(3)} Gbit/s is not within 5 % of 2`,
  );
}

test("upload over IPv4 through tbf 2gbit: within 5 %", { timeout: 60_000 }, async (t) => {
  if (skip || !pair) return t.skip(skip || "no netns");
  const p = pair;
  let receiver = 0;
  const sender = await bestOf2(async () => {
    const srv = await startIperf3Server(5201, { ns: p.a, once: true });
    try {
      const r = await tenbolt(p.b, ["speedtest", p.ipv4A, "-t", "3", "-O", "1", "--json", "--no-save"]);
      assert.equal(r.code, 0, r.stderr);
      const res: SpeedtestResult = speedtestResultSchema.parse(JSON.parse(r.stdout));
      receiver = res.lines[0]?.receiver.bitsPerSecond ?? 0;
      return res.sent.bitsPerSecond;
    } finally {
      await srv.stop();
    }
  });
  within5(sender, "our sender");
  within5(receiver, "iperf3's receiver");
});

test("download over IPv6 link-local with %scope: within 5 %", { timeout: 60_000 }, async (t) => {
  if (skip || !pair) return t.skip(skip || "no netns");
  const p = pair;
  const rate = await bestOf2(async () => {
    const srv = await startIperf3Server(5201, { ns: p.a, once: true });
    try {
      const host = `${p.ll6A}%${p.devB}`;
      const r = await tenbolt(p.b, ["speedtest", host, "-R", "-t", "3", "-O", "1", "--json", "--no-save"]);
      assert.equal(r.code, 0, r.stderr);
      const res = speedtestResultSchema.parse(JSON.parse(r.stdout));
      assert.equal(res.direction, "download");
      assert.match(res.server.address, /^fe80::a1/);
      return res.received.bitsPerSecond;
    } finally {
      await srv.stop();
    }
  });
  within5(rate, "our receiver");
});

test(
  "stock iperf3 -c -R against tenbolt serve across the link: within 5 %",
  { timeout: 60_000 },
  async (t) => {
    if (skip || !pair) return t.skip(skip || "no netns");
    const p = pair;
    const rate = await bestOf2(async () => {
      const server = spawn(
        "ip",
        ["netns", "exec", p.a, process.execPath, "bin/tenbolt.js", "serve", "--once", "-p", "5202"],
        {
          stdio: "ignore",
        },
      );
      const exited = new Promise((r) => server.on("close", r));
      try {
        await waitListening(5202, p.a);
        const r = await runIperf3Client(p.ipv4A, 5202, ["-R", "-t", "3", "-O", "1"], { ns: p.b });
        assert.equal(r.end.error, undefined, r.stdout);
        await exited;
        return r.end.receivedBitsPerSecond;
      } finally {
        server.kill("SIGKILL");
      }
    });
    within5(rate, "iperf3 receiving from us");
  },
);

test(
  "a host that does not exist on the link: one line, non-zero exit, bounded time",
  { timeout: 30_000 },
  async (t) => {
    if (skip || !pair) return t.skip(skip || "no netns");
    const ghost = pair.ipv4A.replace(/\.1$/, ".99");
    const t0 = Date.now();
    const r = await tenbolt(pair.b, ["speedtest", ghost, "-t", "1", "--no-save"], 20_000);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^tenbolt: (no answer from|10\.213\.\d+\.99:5201 is unreachable)/);
    assert.ok(!r.stderr.includes("    at "), "no stack trace");
    assert.ok(Date.now() - t0 < 15_000);
  },
);
