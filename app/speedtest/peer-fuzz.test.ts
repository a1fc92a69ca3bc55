// Seeded fuzzing of the state machines with real sockets: a fake server answering random bytes,
// states and JSON must only ever produce a typed SpeedtestError (or, by chance, a result) in
// bounded time; a client sending garbage must leave our server ready for a stock iperf3 client.
import { test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { runClient } from "./client.js";
import { SpeedtestError } from "./errors.js";
import { SpeedtestServer } from "./server.js";
import { encodeJson } from "./protocol/framing.js";
import { iperf3Unavailable, runIperf3Client } from "../../test/netns/iperf3.js";
import { prng } from "../../test/support/prng.js";

/** A plausible-but-wrong server reply: states in odd orders, bad JSON, bad lengths, noise. */
function garbage(r: ReturnType<typeof prng>): Buffer {
  const parts: Buffer[] = [];
  for (let i = 1 + r.int(5); i > 0; i--) {
    const k = r.int(5);
    if (k === 0) parts.push(Buffer.from([[9, 10, 1, 2, 13, 14, 11, 0xff, 0xfe, 3, 72][r.int(11)] as number]));
    else if (k === 1)
      parts.push(encodeJson({ cpu_util_total: r.int(3), streams: r.next() < 0.5 ? [] : "x" }));
    else if (k === 2) parts.push(Buffer.from([r.int(256), r.int(256), r.int(256), r.int(256)]));
    else if (k === 3) parts.push(r.bytes(r.int(40)));
    else parts.push(Buffer.from("{not json"));
  }
  return Buffer.concat(parts);
}

test("fuzz: our client against 60 misbehaving servers", { timeout: 120_000 }, async () => {
  const r = prng(7);
  for (let i = 0; i < 60; i++) {
    const reply = garbage(r);
    const closeAfter = r.next() < 0.7;
    const srv = net.createServer((s) => {
      s.on("error", () => undefined);
      s.once("data", () => {
        s.write(reply);
        if (closeAfter) s.end();
      });
    });
    await new Promise<void>((res) => srv.listen(0, "127.0.0.1", res));
    const t0 = Date.now();
    try {
      await runClient({
        host: "127.0.0.1",
        port: (srv.address() as net.AddressInfo).port,
        bindAddress: null,
        direction: (["upload", "download", "bidir"] as const)[r.int(3)] as "upload",
        streams: 1 + r.int(2),
        time: 1,
        omit: 0,
        blockLen: 131072,
        connectTimeoutMs: 1000,
        protocolTimeoutMs: 500,
      });
    } catch (e) {
      assert.ok(e instanceof SpeedtestError, `case ${i}: ${String(e)} for ${reply.toString("hex")}`);
    } finally {
      srv.close();
    }
    assert.ok(Date.now() - t0 < 5000, `case ${i} took ${Date.now() - t0} ms`);
  }
});

test("fuzz: 40 garbage clients leave our server ready for iperf3 -c", { timeout: 60_000 }, async (t) => {
  const skip = await iperf3Unavailable();
  const r = prng(8);
  const events: string[] = [];
  const srv = await SpeedtestServer.listen({
    port: 0,
    bind: "127.0.0.1",
    once: false,
    protocolTimeoutMs: 300,
    onEvent: (e) => events.push(e.type),
  });
  try {
    for (let i = 0; i < 40; i++) {
      const s = net.connect(srv.port, "127.0.0.1");
      s.on("error", () => undefined);
      await new Promise((res) => s.once("connect", res));
      // Sometimes a valid cookie first, so the parameter parser gets the garbage.
      if (r.next() < 0.6) s.write(Buffer.alloc(37, 97));
      s.write(garbage(r));
      await new Promise((res) => setTimeout(res, r.int(40)));
      if (r.next() < 0.5) s.destroy();
      else s.end();
    }
    await new Promise((res) => setTimeout(res, 500));
    if (skip) return t.skip(skip);
    const ok = await runIperf3Client("127.0.0.1", srv.port, ["-t", "1"]);
    assert.equal(ok.end.error, undefined, ok.stdout);
    assert.ok(ok.end.receivedBytes > 0);
    assert.ok(events.includes("test-done"));
  } finally {
    await srv.close();
  }
});
