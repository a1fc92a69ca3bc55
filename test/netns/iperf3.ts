// Stock iperf3 as the peer in tests and the benchmark: a server process that is known to be
// listening before the test starts, a client run with -J, and free ports.
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { systemRunner } from "../../app/system/runner.js";

export interface Iperf3Server {
  proc: ChildProcess;
  stdout(): string;
  /** Resolves with the exit code when the process ends. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** A free TCP port on loopback (closed again; small race, fine for tests). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

function wrap(ns: string | null, cmd: string, args: string[]): [string, string[]] {
  return ns ? ["ip", ["netns", "exec", ns, cmd, ...args]] : [cmd, args];
}

/** Waits until something listens on the TCP port (in the namespace), without connecting to it. */
export async function waitListening(port: number, ns: string | null, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [c, a] = wrap(ns, "ss", ["-ltnH", "sport", "=", `:${port}`]);
    const r = await systemRunner.run(c, a, { timeoutMs: 3000 });
    if (r.stdout.trim() !== "") return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listening on port ${port} after ${timeoutMs} ms`);
}

export async function startIperf3Server(
  port: number,
  opts: { ns?: string | null; once?: boolean; json?: boolean } = {},
): Promise<Iperf3Server> {
  const args = ["-s", "-p", String(port), ...(opts.once ? ["-1"] : []), ...(opts.json ? ["-J"] : [])];
  const [cmd, argv] = wrap(opts.ns ?? null, "iperf3", args);
  const proc = spawn(cmd, argv, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  proc.stdout?.setEncoding("utf8").on("data", (c: string) => (out += c));
  proc.stderr?.resume();
  const exited = new Promise<number | null>((r) => proc.on("close", (code) => r(code)));
  const server: Iperf3Server = {
    proc,
    stdout: () => out,
    exited,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
      const t = setTimeout(() => proc.kill("SIGKILL"), 2000);
      await exited;
      clearTimeout(t);
    },
  };
  try {
    await waitListening(port, opts.ns ?? null);
  } catch (e) {
    await server.stop();
    throw e;
  }
  return server;
}

/** iperf3 -J's end section, the parts tests compare. */
export interface Iperf3End {
  sentBytes: number;
  receivedBytes: number;
  /** Receiver-side rate for the main direction. */
  receivedBitsPerSecond: number;
  sentBitsPerSecond: number;
  /** The seconds each line of iperf3's summary divides by. */
  sentSeconds: number;
  receivedSeconds: number;
  /** bidir: the reverse direction's sums. */
  reverseSentBytes?: number;
  reverseReceivedBytes?: number;
  error?: string;
}

interface SumJson {
  bytes: number;
  seconds: number;
  bits_per_second: number;
}

export function parseIperf3Json(text: string): Iperf3End {
  const j = JSON.parse(text) as {
    error?: string;
    end?: {
      sum_sent?: SumJson;
      sum_received?: SumJson;
      sum_sent_bidir_reverse?: SumJson;
      sum_received_bidir_reverse?: SumJson;
    };
  };
  const e = j.end ?? {};
  return {
    sentBytes: e.sum_sent?.bytes ?? 0,
    receivedBytes: e.sum_received?.bytes ?? 0,
    sentBitsPerSecond: e.sum_sent?.bits_per_second ?? 0,
    receivedBitsPerSecond: e.sum_received?.bits_per_second ?? 0,
    sentSeconds: e.sum_sent?.seconds ?? 0,
    receivedSeconds: e.sum_received?.seconds ?? 0,
    ...(e.sum_sent_bidir_reverse
      ? {
          reverseSentBytes: e.sum_sent_bidir_reverse.bytes,
          reverseReceivedBytes: e.sum_received_bidir_reverse?.bytes ?? 0,
        }
      : {}),
    ...(j.error ? { error: j.error } : {}),
  };
}

/** Runs `iperf3 -c` with -J and returns its parsed summary plus the raw result. */
export async function runIperf3Client(
  host: string,
  port: number,
  extra: string[],
  opts: { ns?: string | null; timeoutMs?: number } = {},
): Promise<{ end: Iperf3End; code: number | null; stdout: string; stderr: string }> {
  const [cmd, argv] = wrap(opts.ns ?? null, "iperf3", ["-c", host, "-p", String(port), "-J", ...extra]);
  const r = await systemRunner.run(cmd, argv, { timeoutMs: opts.timeoutMs ?? 30_000 });
  let end: Iperf3End;
  try {
    end = parseIperf3Json(r.stdout);
  } catch {
    end = {
      sentBytes: 0,
      receivedBytes: 0,
      sentBitsPerSecond: 0,
      receivedBitsPerSecond: 0,
      sentSeconds: 0,
      receivedSeconds: 0,
      error: r.stdout + r.stderr,
    };
  }
  return { end, code: r.code, stdout: r.stdout, stderr: r.stderr };
}

/** Why iperf3 tests cannot run here (null: they can). With CI=true a missing tool is a failure. */
export async function iperf3Unavailable(): Promise<string | null> {
  const r = await systemRunner.run("iperf3", ["--version"], { timeoutMs: 5000 });
  if (r.spawnError) {
    if (process.env.CI === "true") throw new Error("iperf3 is required in CI but not installed");
    return "iperf3 is not installed";
  }
  return null;
}
