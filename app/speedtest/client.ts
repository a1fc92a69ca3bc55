// The iperf3 client: control connection on this thread, data connections in stream workers.
// Message order (see docs/speedtest.md): cookie -> PARAM_EXCHANGE -> params -> CREATE_STREAMS ->
// data connections one by one -> TEST_START, TEST_RUNNING -> data -> TEST_END -> EXCHANGE_RESULTS
// -> our results -> theirs -> DISPLAY_RESULTS -> IPERF_DONE. runTest() walks through these phases.
import net, { type Socket } from "node:net";
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { ControlChannel, ControlClosed, ControlTimeout } from "./control.js";
import { expectState, failMidTest, interrupted, untilOrEvent, withAbort } from "./client-states.js";
import { cpuMeter, type CpuPercent } from "./cpu.js";
import { connectFailure, SpeedtestError, where } from "./errors.js";
import type { EventSink } from "./events.js";
import { IntervalRecorder, type Interval } from "./intervals.js";
import { planStreams, type StreamSlot } from "./plan.js";
import { makeCookie, MAX_RESULTS_JSON, State } from "./protocol/constants.js";
import { FramingError } from "./protocol/framing.js";
import { buildParams, specProblems, type TestSpec } from "./protocol/params.js";
import { buildResults, parseResults, type ResultsJson } from "./protocol/results.js";
import type { SpeedtestResult } from "./result.js";
import { RetransmitWatcher } from "./retransmits.js";
import { DataConnectError, StreamPool, type ConnectedStream } from "./stream-pool.js";
import { assembleResult } from "./summary.js";
import { UsageError } from "../errors.js";
import type { Runner } from "../system/runner.js";
import { VERSION } from "../version.js";

export interface ClientOptions extends TestSpec {
  host: string;
  port: number;
  /** Local address to connect from (--bind). */
  bindAddress: string | null;
  connectTimeoutMs?: number;
  /** How long to wait for each control message before calling the peer broken. */
  protocolTimeoutMs?: number;
  signal?: AbortSignal;
  /** For `ss` (retransmits); without it retransmits are null. */
  runner?: Runner;
  onEvent?: EventSink;
  /** Called once connected; the returned function is called at the end, its value lands in `counters`. */
  sampleCounters?: (localAddress: string) => () => Promise<unknown>;
}

/** iperf3's client version string we announce (informational only; servers ignore it). */
const CLIENT_VERSION = `3.12 (tenbolt ${VERSION})`;

export async function runClient(opts: ClientOptions): Promise<SpeedtestResult> {
  const problems = specProblems(opts);
  if (problems.length > 0) throw new UsageError(problems[0] as string);
  const emit = opts.onEvent ?? (() => undefined);
  try {
    const result = await runTest(opts, emit);
    emit({ type: "done", result });
    return result;
  } catch (e) {
    const err = toSpeedtestError(e, opts);
    if (err instanceof SpeedtestError) emit({ type: "error", error: err });
    throw err;
  }
}

function toSpeedtestError(e: unknown, opts: ClientOptions): unknown {
  const at = where(opts.host, opts.port);
  if (e instanceof SpeedtestError || e instanceof UsageError) return e;
  if (e instanceof ControlTimeout)
    return new SpeedtestError(
      "timeout",
      `${at} stopped answering while we waited for ${e.waitingFor}`,
      "the server may be overloaded or gone; try again",
    );
  if (e instanceof ControlClosed)
    return new SpeedtestError("closed", `the server at ${at} closed the connection unexpectedly`);
  if (e instanceof FramingError)
    return new SpeedtestError("protocol", `the server at ${at} sent a malformed message (${e.message})`);
  if (e instanceof DataConnectError)
    return connectFailure(
      { code: e.code, message: e.message } as NodeJS.ErrnoException,
      opts.host,
      opts.port,
      opts.connectTimeoutMs ?? 5000,
    );
  return e;
}

/** What one test run holds on to, so that every exit path can close it. */
interface Session {
  opts: ClientOptions;
  at: string;
  slots: StreamSlot[];
  protoTimeout: number;
  /** Fires on Ctrl-C; every wait in the test races it. */
  watch: AbortSignal;
  socket: Socket;
  ctrl: ControlChannel;
  pool: StreamPool;
}

interface Measurement {
  /** Seconds after the omitted warm-up, this host's clock, to TEST_END. */
  seconds: number;
  /** The same for sending streams, to when their last write was taken. */
  sendSeconds: number;
  /** Bytes per slot over the measured part. */
  bytes: number[];
  intervals: Interval[];
  cpu: CpuPercent;
  retransmits: RetransmitWatcher | null;
}

async function runTest(opts: ClientOptions, emit: EventSink): Promise<SpeedtestResult> {
  const connectTimeout = opts.connectTimeoutMs ?? 5000;
  const slots = planStreams(opts.direction, opts.streams);
  const startedAt = new Date();
  if (opts.signal?.aborted) throw interrupted();
  // Workers start while the control connection is set up.
  const poolP = StreamPool.create(slots);
  poolP.catch(() => undefined);
  const watch = new AbortController();
  const onAbort = () => watch.abort();
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  let socket: Socket | null = null;
  let ctrl: ControlChannel | null = null;
  let stopCounters: (() => Promise<unknown>) | undefined;
  try {
    socket = await connectControl(opts, connectTimeout);
    ctrl = new ControlChannel(socket);
    // Sampling starts before the test so its set-up (file reads, ethtool) does not delay it.
    stopCounters = opts.sampleCounters?.(socket.localAddress ?? "");
    const setup: Omit<Session, "pool"> = {
      opts,
      at: where(opts.host, opts.port),
      slots,
      protoTimeout: opts.protocolTimeoutMs ?? 10_000,
      watch: watch.signal,
      socket,
      ctrl,
    };
    const cookie = await negotiate(setup);
    const s: Session = { ...setup, pool: await poolP };
    emit({
      type: "connected",
      server: s.at,
      local: `${socket.localAddress}:${socket.localPort}`,
      streams: slots.length,
    });
    const connected = await connectStreams(s, cookie, connectTimeout);
    const m = await measure(s, connected, emit);
    const countersP = stopCounters ? stopCounters().catch(() => null) : Promise.resolve(null);
    stopCounters = undefined;
    const remote = await exchangeResults(s, connected, m);
    const counters = await countersP;
    if (counters !== null) emit({ type: "counters", counters });
    const retrans = await retransmitsBySlot(connected, m.retransmits);
    return assembleResult({
      spec: opts,
      server: { host: opts.host, port: opts.port, address: socket.remoteAddress ?? opts.host },
      local: { address: socket.localAddress ?? "", port: socket.localPort ?? 0 },
      startedAt,
      finishedAt: new Date(),
      seconds: m.seconds,
      sendSeconds: m.sendSeconds,
      streams: slots.map((slot) => ({
        slot,
        bytes: m.bytes[slot.slot] ?? 0,
        retransmits: retrans.get(slot.slot) ?? null,
      })),
      intervals: m.intervals,
      remote,
      cpu: m.cpu,
      counters,
    });
  } catch (e) {
    if (watch.signal.aborted) {
      // Ctrl-C: tell the server so it is left ready for the next client.
      if (ctrl && socket && !socket.destroyed)
        await ctrl.writeState(State.CLIENT_TERMINATE).catch(() => undefined);
      throw interrupted();
    }
    throw e;
  } finally {
    void stopCounters?.().catch(() => undefined);
    opts.signal?.removeEventListener("abort", onAbort);
    socket?.end();
    socket?.destroy();
    await (await poolP.catch(() => null))?.close().catch(() => undefined);
  }
}

/** Cookie, PARAM_EXCHANGE, our parameters, CREATE_STREAMS. Returns the cookie for the data connections. */
async function negotiate(s: Omit<Session, "pool">): Promise<Buffer> {
  const cookie = makeCookie(randomBytes);
  // A busy server sends 0xFF and closes without reading: the cookie write may then fail, but the
  // byte is already queued and is what the next read reports.
  await s.ctrl.write(cookie).catch(() => undefined);
  await withAbort(expectState(s.ctrl, State.PARAM_EXCHANGE, s.at, s.protoTimeout, "PARAM_EXCHANGE"), s.watch);
  await s.ctrl.writeJson(buildParams(s.opts, CLIENT_VERSION));
  try {
    await withAbort(
      expectState(s.ctrl, State.CREATE_STREAMS, s.at, s.protoTimeout, "CREATE_STREAMS"),
      s.watch,
    );
  } catch (e) {
    // Up to 3.19 a server closes without a word when it dislikes the parameters.
    if (e instanceof ControlClosed)
      throw new SpeedtestError(
        "rejected",
        `the iperf3 server at ${s.at} rejected the test parameters (it closed the connection)`,
        s.opts.direction === "bidir"
          ? "--bidir needs iperf3 3.7 or newer on the server"
          : "the server may limit rate, duration or streams",
      );
    throw e;
  }
  return cookie;
}

/** The data connections, one after the other (the server assigns roles by accept order). */
async function connectStreams(s: Session, cookie: Buffer, timeoutMs: number): Promise<ConnectedStream[]> {
  try {
    return await withAbort(
      s.pool.connectAll({
        host: dataHost(s.opts.host, s.socket.remoteAddress),
        port: s.opts.port,
        localAddress: s.opts.bindAddress,
        cookie,
        blockLen: s.opts.blockLen,
        timeoutMs,
      }),
      s.watch,
    );
  } catch (e) {
    // A refused data connection usually comes with the server's 0xFF/0xFE on the control one.
    if (s.ctrl.hasData()) await expectState(s.ctrl, State.TEST_START, s.at, 500, "TEST_START");
    throw e;
  }
}

/** TEST_START .. TEST_END: per-second intervals, omit, and the final counts. */
async function measure(s: Session, connected: ConnectedStream[], emit: EventSink): Promise<Measurement> {
  const { ctrl, pool, opts } = s;
  await withAbort(expectState(ctrl, State.TEST_START, s.at, s.protoTimeout, "TEST_START"), s.watch);
  // The clock starts at TEST_START, as iperf3's does; bytes that arrived earlier do not count.
  const t0 = performance.now();
  let base = pool.read();
  let cpu = cpuMeter();
  let tMeasured = t0;
  await withAbort(expectState(ctrl, State.TEST_RUNNING, s.at, s.protoTimeout, "TEST_RUNNING"), s.watch);
  pool.start();
  emit({ type: "started" });
  const rec = new IntervalRecorder(s.slots, base);
  const sendPorts = connected.filter((c) => c.slot.clientRole === "send").map((c) => c.localPort);
  const retransmits = opts.runner ? new RetransmitWatcher(opts.runner, sendPorts) : null;
  let now = t0;
  for (let k = 1; k <= opts.omit + opts.time; k++) {
    const outcome = await untilOrEvent(t0 + k * 1000, ctrl, pool, s.watch);
    if (outcome !== "tick") await failMidTest(outcome, ctrl, s.at);
    const counts = pool.read();
    now = performance.now();
    emit({ type: "interval", interval: rec.mark((now - t0) / 1000, counts, k <= opts.omit) });
    retransmits?.sample(k === opts.omit);
    if (k === opts.omit) {
      // Both sides restart counters and clocks here.
      base = counts;
      cpu = cpuMeter();
      tMeasured = now;
    }
  }
  // The last tick is the end: the last interval and the totals share it.
  const tEnd = now;
  const recvCounts = [...rec.lastCounts];
  // Senders finish the write in flight, so it is counted (iperf3 counts what write() took), and
  // their clock stops once it is: bytes that drained after tEnd over tEnd's seconds would
  // overstate the sender's rate.
  const sends = s.slots.some((sl) => sl.clientRole === "send");
  if (sends) await pool.stopSenders();
  const tStopped = performance.now();
  const sendCounts = pool.read();
  const usage = cpu.since();
  await ctrl.writeState(State.TEST_END);
  // The last, partial interval: what drained after the last tick, so intervals add up to the totals.
  const finalCounts = s.slots.map((sl) =>
    sl.clientRole === "send" ? (sendCounts[sl.slot] ?? 0) : (recvCounts[sl.slot] ?? 0),
  );
  const drained = sends && finalCounts.some((c, i) => c !== rec.lastCounts[i]);
  const tSendEnd = drained ? tStopped : tEnd;
  if (drained) emit({ type: "interval", interval: rec.mark((tSendEnd - t0) / 1000, finalCounts, false) });
  return {
    seconds: (tEnd - tMeasured) / 1000,
    sendSeconds: (tSendEnd - tMeasured) / 1000,
    bytes: s.slots.map(
      (sl) =>
        (sl.clientRole === "send" ? (sendCounts[sl.slot] ?? 0) : (recvCounts[sl.slot] ?? 0)) -
        (base[sl.slot] ?? 0),
    ),
    intervals: rec.intervals,
    cpu: usage,
    retransmits,
  };
}

async function retransmitsBySlot(
  connected: ConnectedStream[],
  watcher: RetransmitWatcher | null,
): Promise<Map<number, number | null>> {
  const senders = connected.filter((c) => c.slot.clientRole === "send");
  const values = watcher ? await watcher.result() : senders.map(() => null);
  return new Map(senders.map((c, i) => [c.slot.slot, values[i] ?? null]));
}

/** EXCHANGE_RESULTS, our results, theirs, DISPLAY_RESULTS, IPERF_DONE. Returns the server's results. */
async function exchangeResults(
  s: Session,
  connected: ConnectedStream[],
  m: Measurement,
): Promise<ResultsJson> {
  const { ctrl } = s;
  await withAbort(
    expectState(ctrl, State.EXCHANGE_RESULTS, s.at, s.protoTimeout, "EXCHANGE_RESULTS"),
    s.watch,
  );
  const retrans = await retransmitsBySlot(connected, m.retransmits);
  const sending = s.slots.filter((sl) => sl.clientRole === "send");
  const haveRetrans = sending.length === 0 ? -1 : sending.every((sl) => retrans.get(sl.slot) != null) ? 1 : 0;
  await ctrl.writeJson(
    buildResults(
      s.slots.map((sl) => ({
        id: sl.id,
        bytes: m.bytes[sl.slot] ?? 0,
        seconds: sl.clientRole === "send" ? m.sendSeconds : m.seconds,
        retransmits: retrans.get(sl.slot) ?? -1,
      })),
      m.cpu,
      haveRetrans,
    ),
  );
  const theirs = parseResults(
    await withAbort(ctrl.readJson(MAX_RESULTS_JSON, s.protoTimeout, "the server's results"), s.watch),
  );
  if (!theirs.ok)
    throw new SpeedtestError("protocol", `the server at ${s.at} sent unreadable results (${theirs.reason})`);
  await withAbort(expectState(ctrl, State.DISPLAY_RESULTS, s.at, s.protoTimeout, "DISPLAY_RESULTS"), s.watch);
  await ctrl.writeState(State.IPERF_DONE).catch(() => undefined);
  return theirs.value;
}

/**
 * Data connections go to the address the control connection reached, so a name with several
 * addresses (IPv4 and IPv6) cannot send them elsewhere. Link-local addresses keep the typed form,
 * which carries the %scope that remoteAddress lacks.
 */
export function dataHost(typed: string, remote: string | undefined): string {
  if (!remote || /^fe80:/i.test(remote)) return typed;
  return remote;
}

function connectControl(opts: ClientOptions, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({
      host: opts.host,
      port: opts.port,
      ...(opts.bindAddress ? { localAddress: opts.bindAddress } : {}),
    });
    const timer = setTimeout(() => {
      s.destroy();
      reject(
        connectFailure(
          { code: "ETIMEDOUT", message: "timeout" } as NodeJS.ErrnoException,
          opts.host,
          opts.port,
          timeoutMs,
        ),
      );
    }, timeoutMs);
    const onAbort = () => {
      s.destroy();
      clearTimeout(timer);
      reject(interrupted());
    };
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    s.once("connect", () => {
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      s.setNoDelay(true);
      resolve(s);
    });
    s.once("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      reject(connectFailure(e, opts.host, opts.port, timeoutMs));
    });
  });
}
