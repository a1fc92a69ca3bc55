// Reading the server's state bytes on the client side: what each unexpected byte means, and
// watching the control connection while data flows. Split from client.ts so the test's phases
// there read top to bottom.
import { performance } from "node:perf_hooks";
import type { ControlChannel } from "./control.js";
import { ControlTimeout } from "./control.js";
import { busyFailure, serverErrorFailure, SpeedtestError } from "./errors.js";
import { State, stateName } from "./protocol/constants.js";
import type { StreamPool } from "./stream-pool.js";

export function interrupted(): SpeedtestError {
  return new SpeedtestError("interrupted", "speed test interrupted; the server was told to stop");
}

/** Reads a state byte and turns the server's refusals into errors. */
export async function expectState(
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

/** Rejects with the abort reason as soon as the signal fires. */
export function withAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
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

export type MidTest = "tick" | "control" | "stream-ended" | "aborted";

/** Waits until `at` (performance.now() ms), unless the server talks, a stream ends, or Ctrl-C. */
export function untilOrEvent(
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

export async function failMidTest(
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
