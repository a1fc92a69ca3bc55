// Every failure ends with a typed SpeedtestError within bounded time, and servers are left ready.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import net from "node:net";
import { spawn } from "node:child_process";
import { runClient, type ClientOptions } from "./client.js";
import { SpeedtestError, type SpeedtestFailure } from "./errors.js";
import { SpeedtestServer, type ServerEvent } from "./server.js";
import { freePort, iperf3Unavailable, runIperf3Client, startIperf3Server } from "../../test/netns/iperf3.js";

let skip: string | false = false;
before(async () => {
  skip = (await iperf3Unavailable()) ?? false;
});

function opts(port: number, extra: Partial<ClientOptions> = {}): ClientOptions {
  return {
    host: "127.0.0.1",
    port,
    bindAddress: null,
    direction: "upload",
    streams: 1,
    time: 1,
    omit: 0,
    blockLen: 131072,
    connectTimeoutMs: 2000,
    protocolTimeoutMs: 2000,
    ...extra,
  };
}

/** Runs the client, expects a SpeedtestError of `kind` within `withinMs`. */
async function expectFailure(
  o: ClientOptions,
  kind: SpeedtestFailure,
  withinMs: number,
): Promise<SpeedtestError> {
  const t0 = Date.now();
  try {
    await runClient(o);
  } catch (e) {
    assert.ok(e instanceof SpeedtestError, `not a SpeedtestError: ${String(e)}`);
    assert.equal(e.kind, kind, e.message);
    assert.ok(!e.message.includes("\n"), "one line");
    assert.ok(Date.now() - t0 < withinMs, `took ${Date.now() - t0} ms`);
    return e;
  }
  assert.fail(`expected ${kind}, the test succeeded`);
}

/** A fake server speaking just enough: reads the cookie, then runs `script` on the socket. */
async function fakeServer(script: (s: net.Socket) => void): Promise<{ port: number; close(): void }> {
  const srv = net.createServer((s) => {
    s.on("error", () => undefined);
    let got = 0;
    const onData = (b: Buffer) => {
      got += b.length;
      if (got >= 37) {
        s.removeListener("data", onData);
        script(s);
      }
    };
    s.on("data", onData);
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  return { port: (srv.address() as net.AddressInfo).port, close: () => srv.close() };
}

test("connection refused", { timeout: 10_000 }, async () => {
  const e = await expectFailure(opts(await freePort()), "refused", 3000);
  assert.match(e.message, /refused/);
});

test("name not resolved", { timeout: 20_000 }, async () => {
  await expectFailure(opts(5201, { host: "no-such-host.invalid" }), "name", 15_000);
});

test("link-local IPv6 without a scope is explained", { timeout: 10_000 }, async () => {
  const e = await expectFailure(opts(5201, { host: "fe80::1" }), "scope", 5000);
  assert.match(e.hint ?? "", /%/);
});

test("an HTTP server on the port: not iperf3", { timeout: 10_000 }, async () => {
  const srv = http.createServer((_q, r) => r.end("hello"));
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  try {
    const port = (srv.address() as net.AddressInfo).port;
    // Node's HTTP server answers the cookie (a NUL-terminated non-request) with "HTTP/1.1 400".
    const e = await expectFailure(opts(port), "not-iperf3", 5000);
    assert.match(e.message, /HTTP/);
  } finally {
    srv.closeAllConnections();
    srv.close();
  }
});

test(
  "a server that accepts and never answers: not iperf3, after the protocol timeout",
  { timeout: 10_000 },
  async () => {
    const f = await fakeServer(() => undefined);
    try {
      const e = await expectFailure(opts(f.port, { protocolTimeoutMs: 1000 }), "not-iperf3", 3000);
      assert.match(e.message, /did not answer like an iperf3 server within 1 s/);
    } finally {
      f.close();
    }
  },
);

test("a service that answers garbage at once: not iperf3", { timeout: 10_000 }, async () => {
  const f = await fakeServer((s) => s.end("SSH-2.0-OpenSSH_9.2\r\n"));
  try {
    await expectFailure(opts(f.port), "not-iperf3", 2000);
  } finally {
    f.close();
  }
});

test("SERVER_ERROR with i_errno and errno is put in words", { timeout: 10_000 }, async () => {
  const f = await fakeServer((s) => {
    s.write(Buffer.from([9]));
    s.once("data", () => s.end(Buffer.from([0xfe, 0, 0, 0, 27, 0, 0, 0, 0])));
  });
  try {
    const e = await expectFailure(opts(f.port), "server-error", 3000);
    assert.match(e.message, /bitrate-limit/);
  } finally {
    f.close();
  }
});

test("SERVER_ERROR from an old server (byte, then EOF)", { timeout: 10_000 }, async () => {
  const f = await fakeServer((s) => s.end(Buffer.from([0xfe])));
  try {
    await expectFailure(opts(f.port), "server-error", 3000);
  } finally {
    f.close();
  }
});

test(
  "a server that closes after the parameters (too old for --bidir): rejected",
  { timeout: 10_000 },
  async () => {
    const f = await fakeServer((s) => {
      s.write(Buffer.from([9]));
      s.once("data", () => s.end());
    });
    try {
      const e = await expectFailure(opts(f.port, { direction: "bidir" }), "rejected", 3000);
      assert.match(e.hint ?? "", /3\.7/);
    } finally {
      f.close();
    }
  },
);

test("iperf3 -s busy with another test: busy", { timeout: 20_000 }, async (t) => {
  if (skip) return t.skip(skip);
  const port = await freePort();
  const srv = await startIperf3Server(port);
  try {
    const first = runClient(opts(port, { time: 2 }));
    await new Promise((r) => setTimeout(r, 700));
    await expectFailure(opts(port), "busy", 3000);
    const r = await first;
    assert.ok(r.sent.bytes > 0);
  } finally {
    await srv.stop();
  }
});

test("iperf3 server killed mid-test: closed, promptly", { timeout: 20_000 }, async (t) => {
  if (skip) return t.skip(skip);
  const port = await freePort();
  const srv = await startIperf3Server(port);
  try {
    const run = expectFailure(opts(port, { time: 5, direction: "download" }), "closed", 4000);
    await new Promise((r) => setTimeout(r, 1000));
    srv.proc.kill("SIGKILL");
    await run;
  } finally {
    await srv.stop();
  }
});

test("Ctrl-C tells iperf3 -s, which is ready for the next client", { timeout: 20_000 }, async (t) => {
  if (skip) return t.skip(skip);
  const port = await freePort();
  const srv = await startIperf3Server(port);
  try {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 800);
    const e = await expectFailure(opts(port, { time: 5, signal: ac.signal }), "interrupted", 3000);
    assert.equal(e.exitCode, 130);
    // CLIENT_TERMINATE frees the server at once (without it, a busy server would refuse us).
    const r = await runClient(opts(port));
    assert.ok(r.sent.bytes > 0);
  } finally {
    await srv.stop();
  }
});

test("our server refuses a second client with ACCESS_DENIED, like iperf3", { timeout: 20_000 }, async (t) => {
  if (skip) return t.skip(skip);
  const srv = await SpeedtestServer.listen({ port: 0, bind: "127.0.0.1", once: false });
  try {
    const first = runIperf3Client("127.0.0.1", srv.port, ["-t", "2"]);
    await new Promise((r) => setTimeout(r, 700));
    const second = await runIperf3Client("127.0.0.1", srv.port, ["-t", "1"]);
    // iperf3 3.12 -J exits 0 even on errors; the error text is in its JSON.
    assert.match(second.end.error ?? "", /busy/);
    await expectFailure(opts(srv.port), "busy", 3000);
    assert.equal((await first).code, 0);
  } finally {
    await srv.close();
  }
});

test(
  "our server survives a client that vanishes mid-test, and one that sends UDP params",
  { timeout: 30_000 },
  async (t) => {
    if (skip) return t.skip(skip);
    const srv = await SpeedtestServer.listen({
      port: 0,
      bind: "127.0.0.1",
      once: false,
      protocolTimeoutMs: 3000,
    });
    try {
      const victim = spawn("iperf3", ["-c", "127.0.0.1", "-p", String(srv.port), "-t", "5", "-R"], {
        stdio: "ignore",
      });
      await new Promise((r) => setTimeout(r, 1000));
      victim.kill("SIGKILL");
      await new Promise((r) => victim.on("close", r));
      const udp = await runIperf3Client("127.0.0.1", srv.port, ["-u", "-t", "1"]);
      // SERVER_ERROR with IEUNIMP (13), which the stock client puts in words (not "closed unexpectedly").
      assert.match(udp.end.error ?? "", /not implemented/, "UDP is refused with SERVER_ERROR");
      const ok = await runIperf3Client("127.0.0.1", srv.port, ["-t", "1"]);
      assert.equal(ok.end.error, undefined, ok.stdout + ok.stderr);
      assert.ok(ok.end.receivedBytes > 0);
      // Our own client's Ctrl-C leaves our server ready too.
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 600);
      await expectFailure(opts(srv.port, { time: 5, signal: ac.signal }), "interrupted", 3000);
      const again = await runClient(opts(srv.port, { direction: "download" }));
      assert.ok(again.received.bytes > 0);
    } finally {
      await srv.close();
    }
  },
);

test(
  "Ctrl-C sends CLIENT_TERMINATE: our server hears it as an interruption",
  { timeout: 20_000 },
  async () => {
    const events: ServerEvent[] = [];
    const srv = await SpeedtestServer.listen({
      port: 0,
      bind: "127.0.0.1",
      once: true,
      onEvent: (e) => events.push(e),
    });
    try {
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 700);
      await expectFailure(opts(srv.port, { time: 5, signal: ac.signal }), "interrupted", 3000);
      await srv.closed;
      const failed = events.find((e) => e.type === "test-failed");
      assert.ok(
        failed && failed.type === "test-failed" && /interrupted/.test(failed.reason),
        JSON.stringify(events),
      );
    } finally {
      await srv.close();
    }
  },
);

test("SERVER_TERMINATE mid-test ends our client at once with that reason", { timeout: 20_000 }, async () => {
  const srv = await SpeedtestServer.listen({ port: 0, bind: "127.0.0.1", once: false });
  const run = expectFailure(opts(srv.port, { time: 5, direction: "download" }), "closed", 3000);
  await new Promise((r) => setTimeout(r, 800));
  await srv.close();
  const e = await run;
  assert.match(e.message, /was stopped in the middle of the test/);
});

/** A raw client up to CREATE_STREAMS; resolves with the control socket. */
async function rawClient(port: number, cookie: Buffer, params: Buffer): Promise<net.Socket> {
  const s = net.connect(port, "127.0.0.1");
  s.on("error", () => undefined);
  await new Promise((r) => s.once("connect", r));
  s.write(cookie);
  return s.once("data", () => s.write(params));
}

function jsonBlock(v: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(v));
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  return Buffer.concat([head, body]);
}

function firstBytes(s: net.Socket, ms: number): Promise<{ bytes: Buffer; closed: boolean }> {
  return new Promise((resolve) => {
    let got = Buffer.alloc(0);
    const t = setTimeout(() => resolve({ bytes: got, closed: false }), ms);
    s.on("data", (b: Buffer) => (got = Buffer.concat([got, b])));
    s.once("close", () => {
      clearTimeout(t);
      resolve({ bytes: got, closed: true });
    });
  });
}

test(
  "our server refuses a parameter block over 8 KiB (iperf3's cap) without reading on",
  { timeout: 10_000 },
  async () => {
    const srv = await SpeedtestServer.listen({
      port: 0,
      bind: "127.0.0.1",
      once: false,
      protocolTimeoutMs: 3000,
    });
    try {
      const big = jsonBlock({ tcp: true, time: 1, parallel: 1, pad: "x".repeat(9000) });
      const s = await rawClient(srv.port, Buffer.alloc(37, 0x61), big);
      const r = await firstBytes(s, 1500);
      // PARAM_EXCHANGE (9) and then the close; never CREATE_STREAMS (10).
      assert.ok(r.closed, "closed");
      assert.ok(!r.bytes.includes(10), `got ${r.bytes.toString("hex")}`);
    } finally {
      await srv.close();
    }
  },
);

test(
  "our server answers a data connection with the wrong cookie with ACCESS_DENIED",
  { timeout: 10_000 },
  async () => {
    const srv = await SpeedtestServer.listen({
      port: 0,
      bind: "127.0.0.1",
      once: false,
      protocolTimeoutMs: 3000,
    });
    try {
      const ctrl = await rawClient(
        srv.port,
        Buffer.alloc(37, 0x61),
        jsonBlock({ tcp: true, time: 1, parallel: 1 }),
      );
      await new Promise((r) => setTimeout(r, 200)); // CREATE_STREAMS has been sent
      const data = net.connect(srv.port, "127.0.0.1");
      data.on("error", () => undefined);
      await new Promise((r) => data.once("connect", r));
      data.write(Buffer.alloc(37, 0x62));
      const r = await firstBytes(data, 2000);
      assert.equal(r.bytes[0], 0xff, `got ${r.bytes.toString("hex")}`);
      ctrl.destroy();
    } finally {
      await srv.close();
    }
  },
);
