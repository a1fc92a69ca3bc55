// `tenbolt speedtest HOST`: an iperf3-compatible test against a stock `iperf3 -s` (or `tenbolt
// serve`), with a live line per second on a terminal, both sides' totals, the system counters
// and hints, saved to history unless --no-save.
import type { RegisterCommand } from "./commands.js";
import { UsageError } from "../errors.js";

interface Opts {
  port: string;
  reverse?: boolean;
  bidir?: boolean;
  parallel: string;
  time: string;
  omit: string;
  length: string;
  bind?: string;
  json?: boolean;
  save: boolean;
}

function int(name: string, v: string): number {
  if (!/^\d+$/.test(v.trim())) throw new UsageError(`${name} must be a whole number, not '${v}'`);
  return Number(v);
}

/** "128K", "1M" or bytes, like iperf3's -l. */
function bytes(v: string): number {
  const m = /^(\d+)([KkMm]?)$/.exec(v.trim());
  if (!m) throw new UsageError(`--length must be bytes (e.g. 131072, 128K, 1M), not '${v}'`);
  const mult = m[2] === "" ? 1 : /k/i.test(m[2] as string) ? 1024 : 1024 * 1024;
  return Number(m[1]) * mult;
}

export const registerSpeedtest: RegisterCommand = (program, io) => {
  program
    .command("speedtest")
    .description("measure TCP throughput against an iperf3 server (iperf3 -s on the NAS, or tenbolt serve)")
    .argument("<host>", "server name or address (IPv6 link-local with scope: fe80::1%enp99s0)")
    .option("-p, --port <port>", "server port", "5201")
    .option("-R, --reverse", "download: the server sends (like iperf3 -R)")
    .option("--bidir", "both directions at once")
    .option("-P, --parallel <n>", "parallel streams (1-16)", "1")
    .option("-t, --time <s>", "seconds to measure", "10")
    .option("-O, --omit <s>", "warm-up seconds left out of the result", "0")
    .option("-l, --length <bytes>", "block length (iperf3 -l)", "131072")
    .option("-B, --bind <addr>", "local address to connect from")
    .option("--json", "print the result as JSON (schema in docs/speedtest.md)")
    .option("--no-save", "do not save the result to history")
    .action(async (host: string, o: Opts) => {
      if (o.reverse && o.bidir) throw new UsageError("--reverse and --bidir exclude each other");
      const port = int("--port", o.port);
      if (port < 1 || port > 65535) throw new UsageError("--port must be 1-65535");
      const spec = {
        direction: o.bidir ? ("bidir" as const) : o.reverse ? ("download" as const) : ("upload" as const),
        streams: int("--parallel", o.parallel),
        time: int("--time", o.time),
        omit: int("--omit", o.omit),
        blockLen: bytes(o.length),
      };
      const { specProblems } = await import("../speedtest/protocol/params.js");
      const problem = specProblems(spec)[0];
      if (problem) throw new UsageError(problem);
      const [{ runClient }, { formatInterval, formatSummary }, { systemRunner }, { interfaceFor }, counters] =
        await Promise.all([
          import("../speedtest/client.js"),
          import("../speedtest/format.js"),
          import("../system/runner.js"),
          import("../speedtest/iface.js"),
          import("../speedtest/counters/index.js"),
        ]);
      const abort = new AbortController();
      const onSigint = () => abort.abort();
      process.once("SIGINT", onSigint);
      process.once("SIGTERM", onSigint);
      const live = !o.json;
      let testIface: string | null = null;
      try {
        const result = await runClient({
          ...spec,
          host,
          port,
          bindAddress: o.bind ?? null,
          signal: abort.signal,
          runner: systemRunner,
          sampleCounters: (local) => {
            testIface = interfaceFor(host, local);
            try {
              const sampler = counters.startCounterSampling({ iface: testIface, runner: systemRunner });
              return () => sampler.stop();
            } catch {
              return () => Promise.resolve(null); // counters are a bonus, never a reason to fail
            }
          },
          onEvent: (e) => {
            if (!live) return;
            if (e.type === "connected") io.out(`connected to ${e.server} from ${e.local}\n`);
            if (e.type === "interval") {
              const line = formatInterval(e.interval, spec.direction);
              io.out(io.isTty ? `\r\x1b[K${line}` : `${line}\n`);
            }
          },
        });
        if (live && io.isTty) io.out("\n");
        const saved = o.save ? await saveToHistory(result, testIface, io.err) : null;
        io.out(o.json ? JSON.stringify(result, null, 2) + "\n" : formatSummary(result));
        if (saved && !o.json) io.out(`saved to history as ${saved} (tenbolt history)\n`);
      } finally {
        if (live && io.isTty) io.out("\r\x1b[K");
        process.removeListener("SIGINT", onSigint);
        process.removeListener("SIGTERM", onSigint);
      }
    });
};

/**
 * Saves the result with the machine state at the time (adapter, driver, page order, preset). A failed
 * save is reported on stderr as one line; the result is still printed. Returns the entry id.
 */
async function saveToHistory(
  result: import("../speedtest/result.js").SpeedtestResult,
  iface: string | null,
  err: (t: string) => void,
): Promise<string | null> {
  const [{ saveResult, historyContext }, { detectReport }, { readUserState }, { describeError }] =
    await Promise.all([
      import("../history/index.js"),
      import("../detect/full-report.js"),
      import("../presets/user-state.js"),
      import("../errors.js"),
    ]);
  let detection: ReturnType<typeof detectReport> | null = null;
  try {
    detection = detectReport("/");
  } catch {
    detection = null; // no detection: the context says so (nulls)
  }
  const preset = iface ? (readUserState().interfaces[iface]?.preset ?? null) : null;
  try {
    return saveResult({ result, context: historyContext(detection, preset, iface) }).id;
  } catch (e) {
    const d = describeError(e);
    err(`tenbolt: result not saved: ${d.message}\n`);
    return null;
  }
}
