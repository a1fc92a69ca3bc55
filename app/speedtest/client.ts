// The iperf3 client: control connection on this thread, data connections in stream workers.
// Message order (see docs/speedtest.md): cookie -> PARAM_EXCHANGE -> params -> CREATE_STREAMS ->
// data connections one by one -> TEST_START, TEST_RUNNING -> data -> TEST_END -> EXCHANGE_RESULTS
// -> our results -> theirs -> DISPLAY_RESULTS -> IPERF_DONE.
import net, { type Socket } from "node:net";
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { ControlChannel, ControlClosed, ControlTimeout } from "./control.js";
import { busyFailure, connectFailure, serverErrorFailure, SpeedtestError, where } from "./errors.js";
import type { EventSink } from "./events.js";
import { IntervalRecorder } from "./intervals.js";
import { planStreams, type StreamSlot } from "./plan.js";
import { COOKIE_SIZE, makeCookie, MAX_RESULTS_JSON, State, stateName } from "./protocol/constants.js";
import { FramingError } from "./protocol/framing.js";
import { buildParams, specProblems, type TestSpec } from "./protocol/params.js";
import { buildResults, parseResults, type ResultsJson } from "./protocol/results.js";
import { RetransmitWatcher } from "./retransmits.js";
import { assembleResult } from "./summary.js";
import type { SpeedtestResult } from "./result.js";
import { DataConnectError, StreamPool } from "./stream-pool.js";
import { UsageError } from "../errors.js";
import type { Runner } from "../system/runner.js";
import { VERSION } from "../version.js";
import { cpuMeter } from "./cpu.js";

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
  /** Called at TEST_START; the returned function is called at the end, its value lands in `counters`. */
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

function interrupted(): SpeedtestError {
  return new SpeedtestError("interrupted", "speed test interrupted; the server was told to stop");
}

/** Reads a state byte and turns the server's refusals into errors. */
async function expectState(
  ctrl: ControlChannel,
  want: number,
  at: string,
  timeoutMs: number,
  what: string,
): Promise<void> {
  let s: number;
  try {
    s = await ctrl.readState(timeoutMs, what);
  } catch (e) {
    if (e instanceof ControlTimeout && want === State.PARAM_EXCHANGE)
      throw new SpeedtestError(
        "not-iperf3",
        `${at} accepted the connection but did not answer like an iperf3 server within ${Math.round(timeoutMs / 1000)} s`,
        "check the port: something other than iperf3 may be listening there",
      );
    throw e;
  }
  if (s === want) return;
  if (s === State.ACCESS_DENIED) throw busyFailure(at);
  if (s === State.SERVER_ERROR) {
    const tail = await ctrl.readErrorTail(2000);
    throw serverErrorFailure(tail.ierrno, tail.errno, at);
  }
  if (s === State.SERVER_TERMINATE)
    throw new SpeedtestError("closed", `the iperf3 server at ${at} was stopped during the test`);
  if (want === State.PARAM_EXCHANGE) {
    // Show what answered: printable text (an HTTP status line, an SSH banner) says who it is.
    const rest = await ctrl.peekText(200);
    const text = (String.fromCharCode(s & 0xff) + rest).split(/\r?\n/)[0] ?? "";
    const shown = /^[\x20-\x7e]{4,}$/.test(text)
      ? `"${text.slice(0, 60)}"`
      : `first byte 0x${(s & 0xff).toString(16).padStart(2, "0")}`;
    throw new SpeedtestError(
      "not-iperf3",
      `${at} answered with something that is not iperf3 (${shown})`,
      "check the port: another service is listening there",
    );
  }
  throw new SpeedtestError(
    "protocol",
    `the iperf3 server at ${at} sent ${stateName(s)} while we waited for ${what}`,
  );
}

async function runTest(opts: ClientOptions, emit: EventSink): Promise<SpeedtestResult> {
  const at = where(opts.host, opts.port);
  const connectTimeout = opts.connectTimeoutMs ?? 5000;
  const protoTimeout = opts.protocolTimeoutMs ?? 10_000;
  const slots = planStreams(opts.direction, opts.streams);
  const startedAt = new Date();
  if (opts.signal?.aborted) throw interrupted();

  // Workers start while the control connection is set up.
  const poolP = StreamPool.create(slots);
  poolP.catch(() => undefined);
  let pool: StreamPool | null = null;
  let socket: Socket | null = null;
  let ctrl: ControlChannel | null = null;
  let stopCounters: (() => Promise<unknown>) | undefined;
  const watch = new AbortController();
  let interruptedFlag = false;
  const onAbort = () => {
    interruptedFlag = true;
    watch.abort();
  };
  opts.signal?.addEventListener("abort", onAbort, { once: true });

  try {
    socket = await connectControl(opts, connectTimeout);
    ctrl = new ControlChannel(socket);
    // Sampling starts before the test so its set-up (file reads, ethtool) does not delay it.
    stopCounters = opts.sampleCounters?.(socket.localAddress ?? "");
    const cookie = makeCookie(randomBytes);
    if (cookie.length !== COOKIE_SIZE) throw new Error("bad cookie size");
    await ctrl.write(cookie);
    await withAbort(
      expectState(ctrl, State.PARAM_EXCHANGE, at, protoTimeout, "PARAM_EXCHANGE"),
      watch.signal,
    );
    await ctrl.writeJson(buildParams(opts, CLIENT_VERSION));
    try {
      await withAbort(
        expectState(ctrl, State.CREATE_STREAMS, at, protoTimeout, "CREATE_STREAMS"),
        watch.signal,
      );
    } catch (e) {
      if (e instanceof ControlClosed)
        throw new SpeedtestError(
          "rejected",
          `the iperf3 server at ${at} rejected the test parameters (it closed the connection)`,
          opts.direction === "bidir"
            ? "--bidir needs iperf3 3.7 or newer on the server"
            : "the server may limit rate, duration or streams",
        );
      throw e;
    }
    pool = await poolP;
    emit({
      type: "connected",
      server: at,
      local: `${socket.localAddress}:${socket.localPort}`,
      streams: slots.length,
    });
    const connected = await withAbort(
      pool.connectAll({
        host: dataHost(opts.host, socket.remoteAddress),
        port: opts.port,
        localAddress: opts.bindAddress,
        cookie,
        blockLen: opts.blockLen,
        timeoutMs: connectTimeout,
      }),
      watch.signal,
    ).catch(async (e: unknown) => {
      // A refused data connection usually comes with the server's 0xFF/0xFE on the control one.
      if (ctrl && ctrl.hasData()) await expectState(ctrl, State.TEST_START, at, 500, "TEST_START");
      throw e;
    });
    await withAbort(expectState(ctrl, State.TEST_START, at, protoTimeout, "TEST_START"), watch.signal);
    // The clock starts at TEST_START, as iperf3's does; bytes that arrived earlier do not count.
    const t0 = performance.now();
    let base = pool.read();
    const cpu0 = cpuMeter();
    await withAbort(expectState(ctrl, State.TEST_RUNNING, at, protoTimeout, "TEST_RUNNING"), watch.signal);
    pool.start();
    emit({ type: "started" });
    const rec = new IntervalRecorder(slots, base);
    const sendSlots = connected.filter((c) => c.slot.clientRole === "send");
    const retransWatch = opts.runner
      ? new RetransmitWatcher(
          opts.runner,
          sendSlots.map((c) => c.localPort),
        )
      : null;
    let cpuBase = cpu0;
    let tMeasured = t0;
    const total = opts.omit + opts.time;
    for (let k = 1; k <= total; k++) {
      const outcome = await untilOrEvent(t0 + k * 1000, ctrl, pool, watch.signal);
      if (outcome !== "tick") await failMidTest(outcome, ctrl, at);
      const counts = pool.read();
      const iv = rec.mark((performance.now() - t0) / 1000, counts, k <= opts.omit);
      emit({ type: "interval", interval: iv });
      retransWatch?.sample();
      if (k === opts.omit) {
        base = counts;
        cpuBase = cpuMeter();
        tMeasured = performance.now();
      }
    }
    const tEnd = performance.now();
    const recvCounts = pool.read();
    // Senders finish the write in flight, so it is counted (iperf3 counts what write() took).
    if (slots.some((sl) => sl.clientRole === "send")) await pool.stopSenders();
    const sendCounts = pool.read();
    const localCpu = cpuBase.since();
    await ctrl.writeState(State.TEST_END);
    const seconds = (tEnd - tMeasured) / 1000;
    const countersP = stopCounters ? stopCounters().catch(() => null) : Promise.resolve(null);
    stopCounters = undefined;

    await withAbort(
      expectState(ctrl, State.EXCHANGE_RESULTS, at, protoTimeout, "EXCHANGE_RESULTS"),
      watch.signal,
    );
    const retrans = retransWatch ? await retransWatch.result() : sendSlots.map(() => null);
    const retransBySlot = new Map<number, number | null>(
      sendSlots.map((c, i) => [c.slot.slot, retrans[i] ?? null]),
    );
    const mine = slots.map((s) => ({
      slot: s,
      bytes:
        (s.clientRole === "send" ? (sendCounts[s.slot] ?? 0) : (recvCounts[s.slot] ?? 0)) -
        (base[s.slot] ?? 0),
      retransmits: s.clientRole === "send" ? (retransBySlot.get(s.slot) ?? null) : null,
    }));
    const haveRetrans =
      sendSlots.length === 0 ? -1 : sendSlots.every((c) => retransBySlot.get(c.slot.slot) !== null) ? 1 : 0;
    await ctrl.writeJson(
      buildResults(
        mine.map((m) => ({ id: m.slot.id, bytes: m.bytes, seconds, retransmits: m.retransmits ?? -1 })),
        localCpu,
        haveRetrans,
      ),
    );
    const theirsRaw = await withAbort(
      ctrl.readJson(MAX_RESULTS_JSON, protoTimeout, "the server's results"),
      watch.signal,
    );
    const parsed = parseResults(theirsRaw);
    if (!parsed.ok)
      throw new SpeedtestError("protocol", `the server at ${at} sent unreadable results (${parsed.reason})`);
    await withAbort(
      expectState(ctrl, State.DISPLAY_RESULTS, at, protoTimeout, "DISPLAY_RESULTS"),
      watch.signal,
    );
    await ctrl.writeState(State.IPERF_DONE).catch(() => undefined);
    const counters = await countersP;
    if (counters !== null) emit({ type: "counters", counters });
    return assembleResult({
      spec: opts,
      server: { host: opts.host, port: opts.port, address: socket.remoteAddress ?? opts.host },
      local: { address: socket.localAddress ?? "", port: socket.localPort ?? 0 },
      startedAt,
      finishedAt: new Date(),
      seconds,
      streams: mine,
      intervals: rec.intervals,
      remote: parsed.value,
      cpu: localCpu,
      counters,
    });
  } catch (e) {
    if (interruptedFlag) {
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
    const p = pool ?? (await poolP.catch(() => null));
    await p?.close().catch(() => undefined);
  }
}

export type { ResultsJson, StreamSlot };

/**
 * Data connections go to the address the control connection reached, so a name with several
 * addresses (IPv4 and IPv6) cannot send them elsewhere. Link-local addresses keep the typed form,
 * which carries the %scope that remoteAddress lacks.
 */
export function dataHost(typed: string, remote: string | undefined): string {
  if (!remote || /^fe80:/i.test(remote)) return typed;
  return remote;
}

/** Rejects with the abort reason as soon as the signal fires. */
function withAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error("aborted"));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error("aborted"));
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

type MidTest = "tick" | "control" | "stream-ended" | "aborted";

/** Waits until `at` (performance.now() ms), unless the server talks, a stream ends, or Ctrl-C. */
function untilOrEvent(
  atMs: number,
  ctrl: ControlChannel,
  pool: StreamPool,
  signal: AbortSignal,
): Promise<MidTest> {
  return new Promise((resolve) => {
    const local = new AbortController();
    const finish = (r: MidTest) => {
      clearTimeout(t);
      local.abort();
      signal.removeEventListener("abort", onAbort);
      pool.whenAnyEnded(() => undefined);
      resolve(r);
    };
    const t = setTimeout(() => finish("tick"), Math.max(0, atMs - performance.now()));
    const onAbort = () => finish("aborted");
    if (signal.aborted) return finish("aborted");
    signal.addEventListener("abort", onAbort, { once: true });
    void ctrl.waitReadable(local.signal).then(() => {
      if (!local.signal.aborted) finish("control");
    });
    pool.whenAnyEnded(() => finish("stream-ended"));
  });
}

async function failMidTest(
  outcome: Exclude<MidTest, "tick">,
  ctrl: ControlChannel,
  at: string,
): Promise<never> {
  if (outcome === "aborted") throw new Error("aborted");
  if (outcome === "stream-ended") {
    // The server closing data connections mid-test: give the control connection a moment to say why.
    await Promise.race([ctrl.waitReadable(), new Promise((r) => setTimeout(r, 1000))]);
    if (!ctrl.hasData())
      throw new SpeedtestError(
        "closed",
        `the server at ${at} closed a data connection in the middle of the test`,
      );
  }
  let s: number;
  try {
    s = await ctrl.readState(100);
  } catch {
    throw new SpeedtestError(
      "closed",
      `the server at ${at} closed the connection in the middle of the test`,
      "the iperf3 server may have crashed or been restarted",
    );
  }
  if (s === State.SERVER_TERMINATE)
    throw new SpeedtestError("closed", `the iperf3 server at ${at} was stopped in the middle of the test`);
  if (s === State.SERVER_ERROR) {
    const tail = await ctrl.readErrorTail(2000);
    throw serverErrorFailure(tail.ierrno, tail.errno, at);
  }
  if (s === State.ACCESS_DENIED) throw busyFailure(at);
  throw new SpeedtestError(
    "protocol",
    `the iperf3 server at ${at} sent ${stateName(s)} in the middle of the test`,
  );
}
