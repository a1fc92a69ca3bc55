// `tenbolt serve`: an iperf3-compatible TCP server that stock `iperf3 -c` (also -R, -P, --bidir)
// can test against. One test at a time: a control connection arriving while a test runs gets
// ACCESS_DENIED (0xFF) and is closed unread, as iperf3 does. Data connections are told apart from
// control connections by the phase: while streams are being created, every new connection must
// start with the test's cookie. Data runs on this thread: sockets accepted by net.Server cannot
// move to a worker thread.
import net, { type Server, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { ControlChannel, ControlClosed, ControlTimeout } from "./control.js";
import { cpuMeter } from "./cpu.js";
import { where } from "./errors.js";
import { planStreams, serverRole, type Role } from "./plan.js";
import { COOKIE_SIZE, MAX_PARAMS_JSON, MAX_RESULTS_JSON, State, stateName } from "./protocol/constants.js";
import { parseParams } from "./protocol/params.js";
import { SendBudget } from "./pacing.js";
import { serverOutputText } from "./server-output.js";
import { buildResults, parseResults } from "./protocol/results.js";
import {
  adoptWithOnread,
  countingOnread,
  makePayload,
  READ_BUFFER,
  startSender,
  type Sender,
} from "./stream-io.js";
import type { Direction } from "./protocol/params.js";

export interface ServerOptions {
  port: number;
  bind: string | null;
  /** Serve one test, then stop (like iperf3 -1). */
  once: boolean;
  /** Per control message during setup and results exchange. */
  protocolTimeoutMs?: number;
  onEvent?: (e: ServerEvent) => void;
}

export type ServerEvent =
  | { type: "listening"; address: string; port: number }
  | { type: "test-start"; client: string; direction: Direction; streams: number; ignored: string[] }
  | { type: "refused-busy"; client: string }
  | {
      type: "test-done";
      client: string;
      direction: Direction;
      /** To TEST_END (receiving streams). */
      seconds: number;
      /** To the last write taken (sending streams). */
      sendSeconds: number;
      sentBytes: number;
      receivedBytes: number;
    }
  | { type: "test-failed"; client: string; reason: string };

interface DataStream {
  id: number;
  role: Role;
  socket: Socket;
  bytes: number;
  sender: Sender | null;
}

/** One test from PARAM_EXCHANGE to IPERF_DONE; null between tests. */
interface ActiveTest {
  ctrl: ControlChannel;
  cookie: Buffer;
  /** Accepting data connections (CREATE_STREAMS sent, TEST_START not yet). */
  creating: boolean;
  roles: Role[];
  streams: DataStream[];
  blockLen: number;
  allConnected: () => void;
  abort: (reason: string) => void;
}

export class SpeedtestServer {
  private active: ActiveTest | null = null;
  private busy = false;
  private readonly closedP: Promise<void>;
  private resolveClosed!: () => void;
  private readonly readBuffer = Buffer.allocUnsafe(READ_BUFFER);
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly opts: ServerOptions,
  ) {
    this.closedP = new Promise((r) => (this.resolveClosed = r));
    server.on("close", () => this.resolveClosed());
  }

  static listen(opts: ServerOptions): Promise<SpeedtestServer> {
    return new Promise((resolve, reject) => {
      const server = net.createServer({ pauseOnConnect: true });
      const s = new SpeedtestServer(server, opts);
      server.on("connection", (sock) => s.onConnection(sock));
      server.once("error", reject);
      // Without a bind address, listen on :: (dual stack) like iperf3.
      server.listen({ port: opts.port, ...(opts.bind ? { host: opts.bind } : {}) }, () => {
        server.removeListener("error", reject);
        server.on("error", () => undefined);
        const a = server.address() as net.AddressInfo;
        opts.onEvent?.({ type: "listening", address: a.address, port: a.port });
        resolve(s);
      });
    });
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Resolves when the server has stopped (after close(), or after one test with `once`). */
  get closed(): Promise<void> {
    return this.closedP;
  }

  /**
   * Stops listening and drops every connection. A client in a test is told SERVER_TERMINATE first,
   * as an iperf3 server does on SIGINT/SIGTERM, so a stock client prints its partial summary and
   * "the server has terminated".
   */
  async close(): Promise<void> {
    const t = this.active;
    this.server.close();
    if (t) {
      const said = t.ctrl.writeState(State.SERVER_TERMINATE).catch(() => undefined);
      await Promise.race([said, new Promise((r) => setTimeout(r, 500).unref())]);
      t.abort("server stopping");
    }
    for (const s of this.sockets) s.destroy();
    return this.closedP;
  }

  private track(sock: Socket): void {
    this.sockets.add(sock);
    sock.once("close", () => this.sockets.delete(sock));
  }

  private onConnection(sock: Socket): void {
    sock.on("error", () => undefined);
    this.track(sock);
    const t = this.active;
    if (t?.creating) return void this.acceptData(sock, t);
    if (this.busy) {
      this.opts.onEvent?.({ type: "refused-busy", client: peer(sock) });
      sock.end(Buffer.from([State.ACCESS_DENIED & 0xff]));
      setTimeout(() => sock.destroy(), 1000).unref();
      return;
    }
    this.busy = true;
    void this.runTest(sock).finally(() => {
      this.busy = false;
      this.active = null;
      if (this.opts.once) this.server.close();
    });
  }

  /** A connection during CREATE_STREAMS: a data stream if it starts with the cookie. */
  private acceptData(sock: Socket, t: ActiveTest): void {
    const head = Buffer.alloc(COOKIE_SIZE);
    let got = 0;
    let stream: DataStream | null = null;
    const timer = setTimeout(() => reject(), 5000);
    const reject = () => {
      clearTimeout(timer);
      s.end(Buffer.from([State.ACCESS_DENIED & 0xff]));
      setTimeout(() => s.destroy(), 1000).unref();
    };
    const onread = countingOnread(this.readBuffer, (n) => {
      if (stream) {
        stream.bytes += n;
        return;
      }
      // Still reading the cookie: it may arrive split or followed by data.
      const take = Math.min(n, COOKIE_SIZE - got);
      this.readBuffer.copy(head, got, 0, take);
      got += take;
      if (got < COOKIE_SIZE) return;
      clearTimeout(timer);
      const index = t.streams.length;
      const role = t.roles[index];
      if (!t.creating || !role || !head.equals(t.cookie)) return reject();
      stream = { id: index === 0 ? 1 : index + 2, role, socket: s, bytes: n - take, sender: null };
      if (role === "send") stream.bytes = 0;
      t.streams.push(stream);
      if (t.streams.length === t.roles.length) t.allConnected();
    });
    const s = adoptWithOnread(sock, onread);
    this.track(s);
    s.on("error", () => undefined);
    s.on("end", () => undefined);
  }

  private async runTest(sock: Socket): Promise<void> {
    const client = peer(sock);
    const timeout = this.opts.protocolTimeoutMs ?? 10_000;
    sock.setNoDelay(true);
    const ctrl = new ControlChannel(sock);
    sock.resume();
    let test: ActiveTest | null = null;
    let aborted: string | null = null;
    const fail = (reason: string) => {
      this.opts.onEvent?.({ type: "test-failed", client, reason });
    };
    try {
      const cookie = await ctrl.readCookie(COOKIE_SIZE, timeout);
      await ctrl.writeState(State.PARAM_EXCHANGE);
      const params = parseParams(await ctrl.readJson(MAX_PARAMS_JSON, timeout, "the parameters"));
      if (!params.ok) {
        // As iperf3 3.21 does: SERVER_ERROR, i_errno, errno 0, close.
        const b = Buffer.alloc(9);
        b[0] = State.SERVER_ERROR & 0xff;
        b.writeInt32BE(params.ierrno, 1);
        await ctrl.write(b).catch(() => undefined);
        return fail(params.reason);
      }
      const plan = planStreams(params.direction, params.streams);
      let allConnected!: () => void;
      const connectedP = new Promise<void>((r) => (allConnected = r));
      let abortTest!: (reason: string) => void;
      const abortP = new Promise<never>((_, rej) => (abortTest = (reason) => rej(new Error(reason))));
      abortP.catch(() => undefined);
      test = {
        ctrl,
        cookie,
        creating: true,
        roles: plan.map(serverRole),
        streams: [],
        blockLen: params.blockLen,
        allConnected,
        abort: (reason) => {
          aborted = reason;
          abortTest(reason);
        },
      };
      this.active = test;
      this.opts.onEvent?.({
        type: "test-start",
        client,
        direction: params.direction,
        streams: params.streams,
        ignored: params.ignored,
      });
      await ctrl.writeState(State.CREATE_STREAMS);
      const quiet = new AbortController();
      try {
        await Promise.race([
          connectedP,
          abortP,
          ctrl.waitReadable(quiet.signal).then(() => (quiet.signal.aborted ? undefined : eofCheck(ctrl))),
          delay(timeout, "data connections"),
        ]);
      } finally {
        quiet.abort();
      }
      test.creating = false;
      await ctrl.writeState(State.TEST_START);
      await ctrl.writeState(State.TEST_RUNNING);
      const t0 = performance.now();
      const payload = makePayload(params.blockLen, params.repeatingPayload);
      // -n/-k: one budget for all sending streams, as iperf3 counts test->bytes_sent.
      const sendOpts = {
        rateBps: params.rateBps,
        burst: params.burst,
        budget: params.limit.kind === "time" ? null : new SendBudget(params.limit, params.blockLen),
      };
      for (const s of test.streams) {
        if (params.noDelay) s.socket.setNoDelay(true);
        if (s.role !== "send") continue;
        const st = s;
        st.sender = startSender(s.socket, payload, (n) => (st.bytes += n), sendOpts);
      }
      // Omit: counters and clocks restart `omit` seconds after TEST_START.
      let base = test.streams.map(() => 0);
      let tMeasured = t0;
      let cpu = cpuMeter();
      // Only with an omit: a 0 ms timer would fire after the first writes and drop them from the count.
      const omitTimer =
        params.omit > 0
          ? setTimeout(() => {
              base = test?.streams.map((s) => s.bytes) ?? base;
              tMeasured = performance.now();
              cpu = cpuMeter();
            }, params.omit * 1000)
          : undefined;
      // Safety timer as iperf3: time + omit + 40 s (and a bound for byte-limited tests too).
      const safety = (params.time > 0 ? params.time + params.omit : 3600) + 40;
      let end: number;
      try {
        end = await Promise.race([ctrl.readState(safety * 1000, "TEST_END"), abortP]);
      } finally {
        clearTimeout(omitTimer);
      }
      const tEnd = performance.now();
      if (end === State.CLIENT_TERMINATE) return fail("the client interrupted the test");
      if (end !== State.TEST_END) return fail(`unexpected ${stateName(end)} during the test`);
      // Receiving streams count up to TEST_END. Sending streams first let the writes in flight
      // complete: the kernel may already have taken them, and destroying the socket would cancel
      // their callbacks, leaving bytes the client reads but we never counted.
      const received = test.streams.map((s) => s.bytes);
      await Promise.all(test.streams.map((s) => s.sender?.stop(250)));
      // The sending streams' clock stops when their last write was taken (after TEST_END when
      // writes were in flight), not at TEST_END; writes the client never read do not count.
      const tDrained = Math.max(tEnd, ...test.streams.map((s) => s.sender?.lastWriteAt ?? 0));
      const bytes = test.streams.map(
        (s, i) => (s.role === "send" ? s.bytes : (received[i] ?? 0)) - (base[i] ?? 0),
      );
      for (const s of test.streams) s.socket.destroy();
      const cpuPct = cpu.since();
      const seconds = (tEnd - tMeasured) / 1000;
      const sendSeconds = (tDrained - tMeasured) / 1000;
      const secondsOf = (s: DataStream) => (s.role === "send" ? sendSeconds : seconds);
      await ctrl.writeState(State.EXCHANGE_RESULTS);
      const theirs = parseResults(await ctrl.readJson(MAX_RESULTS_JSON, timeout, "the client's results"));
      const sending = test.streams.some((s) => s.role === "send");
      const results = buildResults(
        test.streams.map((s, i) => ({
          id: s.id,
          bytes: bytes[i] ?? 0,
          seconds: secondsOf(s),
          retransmits: -1,
        })),
        cpuPct,
        sending ? 0 : -1,
      );
      const output = params.getServerOutput
        ? serverOutputText(
            client,
            seconds,
            test.streams.map((s, i) => ({ id: s.id, role: s.role, bytes: bytes[i] ?? 0 })),
          )
        : null;
      await ctrl.writeJson(output === null ? results : { ...results, server_output_text: output });
      await ctrl.writeState(State.DISPLAY_RESULTS);
      // IPERF_DONE, or the client just closing, ends it.
      await ctrl.readState(timeout, "IPERF_DONE").catch(() => undefined);
      if (!theirs.ok) return fail(`unreadable client results: ${theirs.reason}`);
      const sum = (role: Role) =>
        test!.streams.reduce((a, s, i) => a + (s.role === role ? (bytes[i] ?? 0) : 0), 0);
      this.opts.onEvent?.({
        type: "test-done",
        client,
        direction: params.direction,
        seconds,
        sendSeconds,
        sentBytes: sum("send"),
        receivedBytes: sum("recv"),
      });
    } catch (e) {
      if (aborted) fail(aborted);
      else if (e instanceof ControlClosed) fail("the client closed the connection unexpectedly");
      else if (e instanceof ControlTimeout) fail(`the client did not send ${e.waitingFor} in time`);
      else fail(e instanceof Error ? e.message : String(e));
    } finally {
      if (test) {
        test.creating = false;
        for (const s of test.streams) {
          void s.sender?.stop(0);
          s.socket.destroy();
        }
      }
      sock.end();
      setTimeout(() => sock.destroy(), 1000).unref();
    }
  }
}

function peer(s: Socket): string {
  return where(s.remoteAddress ?? "?", s.remotePort ?? 0);
}

function delay(ms: number, what: string): Promise<never> {
  return new Promise((_, rej) => setTimeout(() => rej(new ControlTimeout(what)), ms).unref());
}

/** During stream creation the client must stay quiet; anything else (EOF, CLIENT_TERMINATE) ends the test. */
async function eofCheck(ctrl: ControlChannel): Promise<never> {
  const s = await ctrl.readState(100).catch(() => null);
  if (s === null) throw new ControlClosed();
  throw new Error(`the client sent ${stateName(s)} while streams were being created`);
}

export async function serve(opts: ServerOptions): Promise<SpeedtestServer> {
  return SpeedtestServer.listen(opts);
}
