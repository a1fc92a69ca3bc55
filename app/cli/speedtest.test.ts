// The CLI faces of the engine: `tenbolt speedtest` against stock iperf3 -s (JSON output, history
// saving, usage errors) and `tenbolt serve --once` against stock iperf3 -c.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "./main.js";
import { memoryIo } from "./io.js";
import { speedtestResultSchema } from "../speedtest/result.js";
import {
  freePort,
  iperf3Unavailable,
  runIperf3Client,
  startIperf3Server,
  waitListening,
} from "../../test/netns/iperf3.js";

let skip: string | false = false;
before(async () => {
  skip = (await iperf3Unavailable()) ?? false;
});

test(
  "speedtest --json prints a schema-valid result and saves it to history",
  { timeout: 30_000 },
  async (t) => {
    if (skip) return t.skip(skip);
    const data = mkdtempSync(join(tmpdir(), "tenbolt-st-"));
    const saved = process.env.XDG_DATA_HOME;
    process.env.XDG_DATA_HOME = data;
    const port = await freePort();
    const srv = await startIperf3Server(port);
    try {
      const io = memoryIo();
      assert.equal(
        await main(["speedtest", "127.0.0.1", "-p", String(port), "-t", "1", "-R", "--json"], io),
        0,
        io.stderr,
      );
      const r = speedtestResultSchema.parse(JSON.parse(io.stdout));
      assert.equal(r.direction, "download");
      assert.ok(r.received.bytes > 0);
      assert.ok(r.counters !== null, "counters attached");
      assert.equal(
        readdirSync(join(data, "tenbolt", "history")).filter((f) => f.endsWith(".json")).length,
        1,
      );

      const text = memoryIo();
      assert.equal(
        await main(["speedtest", "127.0.0.1", "-p", String(port), "-t", "1", "--no-save"], text),
        0,
      );
      assert.match(text.stdout, /sender .*this host/);
      assert.match(text.stdout, /receiver .*server/);
      assert.equal(
        readdirSync(join(data, "tenbolt", "history")).filter((f) => f.endsWith(".json")).length,
        1,
      );
    } finally {
      await srv.stop();
      if (saved === undefined) delete process.env.XDG_DATA_HOME;
      else process.env.XDG_DATA_HOME = saved;
      rmSync(data, { recursive: true, force: true });
    }
  },
);

test("speedtest usage errors exit 2 with one line", async () => {
  for (const args of [
    ["speedtest", "h", "-P", "17"],
    ["speedtest", "h", "-t", "abc"],
    ["speedtest", "h", "--reverse", "--bidir"],
    ["speedtest", "h", "-l", "2M"],
  ]) {
    const io = memoryIo();
    assert.equal(await main(args, io), 2, args.join(" "));
    assert.equal(io.stderr.trim().split("\n")[0]?.startsWith("tenbolt: "), true, io.stderr);
    assert.ok(!io.stderr.includes("    at "));
  }
});

test("serve --once answers a stock iperf3 -c -P 2, then exits", { timeout: 30_000 }, async (t) => {
  if (skip) return t.skip(skip);
  const port = await freePort();
  const io = memoryIo();
  const done = main(["serve", "--once", "-p", String(port), "-B", "127.0.0.1"], io);
  await waitListening(port, null);
  const r = await runIperf3Client("127.0.0.1", port, ["-t", "1", "-P", "2"]);
  assert.equal(r.end.error, undefined);
  assert.equal(await done, 0);
  assert.match(io.stdout, /listening on 127\.0\.0\.1:\d+/);
  assert.match(io.stdout, /upload, 2 streams/);
  assert.match(io.stdout, /done in .* received/);
});

test("serve on a port in use: one line, exit 1", async () => {
  const port = await freePort();
  const net = await import("node:net");
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(port, "127.0.0.1", r));
  try {
    const io = memoryIo();
    assert.equal(await main(["serve", "-p", String(port), "-B", "127.0.0.1"], io), 1);
    assert.match(io.stderr, /port \d+ is already in use/);
  } finally {
    blocker.close();
  }
});
