// `npm run bench:speedtest`: Tenbolt's engine side by side with stock iperf3 on the same machine,
// alternating runs, 3 each, medians. Two links: an emulated 10 GbE link (two namespaces, veth,
// tbf 10gbit burst 1mb latency 5ms on both ends, MTU 1500) and loopback. Rates are what the
// receiving side measured (iperf3's "receiver" line); CPU is user+system seconds of the process
// under test (GNU time, so child processes such as ss/ethtool count against Tenbolt).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemRunner } from "../app/system/runner.js";
import { createNetnsPair, netnsUnavailable, type NetnsPair } from "../test/netns/netns.js";
import { freePort, parseIperf3Json, waitListening } from "../test/netns/iperf3.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TIME = "/usr/bin/time";
const work = mkdtempSync(join(tmpdir(), "tenbolt-bench-"));
let seq = 0;

interface Sample {
  gbps: number;
  /** Whole process, start to exit (GNU time). */
  cpuSeconds: number;
  /** During the test only, % of one core, as the tool itself reports it (iperf3's cpu_util). */
  testCpuPercent: number;
}

interface Link {
  name: string;
  /** Namespace of the server (null: loopback). */
  serverNs: string | null;
  clientNs: string | null;
  host: string;
}

function wrap(ns: string | null, argv: string[]): [string, string[]] {
  return ns ? ["ip", ["netns", "exec", ns, ...argv]] : [argv[0] as string, argv.slice(1)];
}

/** argv under GNU time writing "user system" to a file. */
function timed(argv: string[]): { argv: string[]; cpu: () => number } {
  const file = join(work, `cpu-${seq++}`);
  return {
    argv: [TIME, "-o", file, "-f", "%U %S", ...argv],
    cpu: () => {
      const last = readFileSync(file, "utf8").trim().split("\n").pop() ?? "";
      const [u, s] = last.split(" ").map(Number);
      return (u ?? 0) + (s ?? 0);
    },
  };
}

const tenboltBin = [process.execPath, "bin/tenbolt.js"];

/** Starts a one-test server; resolves with its CPU seconds after it exits. */
async function startServer(kind: "iperf3" | "tenbolt", ns: string | null, port: number) {
  const base =
    kind === "iperf3"
      ? ["iperf3", "-s", "-1", "-p", String(port)]
      : [...tenboltBin, "serve", "--once", "-p", String(port)];
  const t = timed(base);
  const [cmd, args] = wrap(ns, t.argv);
  const proc = spawn(cmd, args, { stdio: "ignore" });
  const exited = new Promise<void>((r) => proc.on("close", () => r()));
  await waitListening(port, ns, 10_000);
  return {
    async done(): Promise<number> {
      const timer = setTimeout(() => proc.kill("SIGKILL"), 30_000);
      await exited;
      clearTimeout(timer);
      return t.cpu();
    },
  };
}

async function runClientTool(
  kind: "iperf3" | "tenbolt",
  link: Link,
  port: number,
  reverse: boolean,
): Promise<Sample> {
  const srv = await startServer("iperf3", link.serverNs, port);
  const common = ["-t", String(SECONDS), ...(reverse ? ["-R"] : [])];
  const base =
    kind === "iperf3"
      ? ["iperf3", "-c", link.host, "-p", String(port), "-J", ...common]
      : [...tenboltBin, "speedtest", link.host, "-p", String(port), "--json", "--no-save", ...common];
  const t = timed(base);
  const [cmd, args] = wrap(link.clientNs, t.argv);
  const r = await systemRunner.run(cmd, args, { timeoutMs: (SECONDS + 30) * 1000 });
  await srv.done();
  if (r.code !== 0) throw new Error(`${kind} client failed: ${r.stderr.trim() || r.stdout.slice(0, 200)}`);
  let bps: number;
  let testCpu: number;
  if (kind === "iperf3") {
    bps = parseIperf3Json(r.stdout).receivedBitsPerSecond;
    testCpu = iperf3Cpu(r.stdout).host;
  } else {
    const j = JSON.parse(r.stdout) as {
      received: { bitsPerSecond: number };
      lines: { receiver: { bitsPerSecond: number } }[];
      cpu: { total: number };
    };
    bps = reverse ? j.received.bitsPerSecond : (j.lines[0]?.receiver.bitsPerSecond ?? 0);
    testCpu = j.cpu.total;
  }
  return { gbps: bps / 1e9, cpuSeconds: t.cpu(), testCpuPercent: testCpu };
}

async function runServerTool(
  kind: "iperf3" | "tenbolt",
  link: Link,
  port: number,
  reverse: boolean,
): Promise<Sample> {
  const srv = await startServer(kind, link.serverNs, port);
  const [cmd, args] = wrap(link.clientNs, [
    "iperf3",
    "-c",
    link.host,
    "-p",
    String(port),
    "-J",
    "-t",
    String(SECONDS),
    ...(reverse ? ["-R"] : []),
  ]);
  const r = await systemRunner.run(cmd, args, { timeoutMs: (SECONDS + 30) * 1000 });
  const cpu = await srv.done();
  const end = parseIperf3Json(r.stdout);
  if (end.error) throw new Error(`iperf3 client against ${kind} server failed: ${end.error}`);
  return {
    gbps: end.receivedBitsPerSecond / 1e9,
    cpuSeconds: cpu,
    testCpuPercent: iperf3Cpu(r.stdout).remote,
  };
}

/** iperf3 -J's cpu_utilization_percent: its own (host) and the server's as reported (remote). */
function iperf3Cpu(text: string): { host: number; remote: number } {
  try {
    const j = JSON.parse(text) as {
      end?: { cpu_utilization_percent?: { host_total?: number; remote_total?: number } };
    };
    const c = j.end?.cpu_utilization_percent;
    return { host: c?.host_total ?? NaN, remote: c?.remote_total ?? NaN };
  } catch {
    return { host: NaN, remote: NaN };
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

interface Row {
  link: string;
  test: string;
  iperf3: Sample[];
  tenbolt: Sample[];
  /** Minimum tenbolt/iperf3 rate ratio and maximum CPU ratio. */
  rateTarget: number;
  cpuTarget: number | null;
}

async function scenario(
  link: Link,
  test: string,
  fn: (kind: "iperf3" | "tenbolt", port: number) => Promise<Sample>,
  rateTarget: number,
  cpuTarget: number | null,
): Promise<Row> {
  const row: Row = { link: link.name, test, iperf3: [], tenbolt: [], rateTarget, cpuTarget };
  for (let i = 0; i < RUNS; i++) {
    // Alternate which tool goes first, so drift in machine load hits both alike.
    const order: ("iperf3" | "tenbolt")[] = i % 2 === 0 ? ["iperf3", "tenbolt"] : ["tenbolt", "iperf3"];
    for (const kind of order) {
      const port = link.serverNs ? 5201 : await freePort();
      const s = await fn(kind, port);
      row[kind].push(s);
      process.stderr.write(
        `  ${link.name} ${test} ${kind}: ${s.gbps.toFixed(2)} Gbit/s, ${s.cpuSeconds.toFixed(2)} CPU s\n`,
      );
    }
  }
  return row;
}

function report(rows: Row[]): string {
  const lines = [
    `Tenbolt vs iperf3 ${SECONDS} s tests, ${RUNS} runs each, medians (rate: receiver's measurement; CPU s: whole`,
    "process user+sys incl. start-up and children; CPU % in test: the tool's own cpu_util over the test, % of one core)",
    "",
    "| link | test | iperf3 Gbit/s | Tenbolt Gbit/s | rate ratio (target) | iperf3 CPU s | Tenbolt CPU s | CPU ratio (target) | CPU % in test iperf3 / Tenbolt |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of rows) {
    const ig = median(r.iperf3.map((s) => s.gbps));
    const tg = median(r.tenbolt.map((s) => s.gbps));
    const ic = median(r.iperf3.map((s) => s.cpuSeconds));
    const tc = median(r.tenbolt.map((s) => s.cpuSeconds));
    const ip = median(r.iperf3.map((s) => s.testCpuPercent));
    const tp = median(r.tenbolt.map((s) => s.testCpuPercent));
    const rr = tg / ig;
    const cr = tc / ic;
    const rateOk = rr >= r.rateTarget ? "ok" : "MISS";
    const cpuCell =
      r.cpuTarget === null
        ? `${cr.toFixed(2)}`
        : `${cr.toFixed(2)} (<= ${r.cpuTarget}) ${cr <= r.cpuTarget ? "ok" : "MISS"}`;
    lines.push(
      `| ${r.link} | ${r.test} | ${ig.toFixed(2)} | ${tg.toFixed(2)} | ${rr.toFixed(3)} (>= ${r.rateTarget}) ${rateOk} | ${ic.toFixed(2)} | ${tc.toFixed(2)} | ${cpuCell} | ${ip.toFixed(0)} / ${tp.toFixed(0)} |`,
    );
  }
  return lines.join("\n") + "\n";
}

async function main(): Promise<void> {
  const why = await netnsUnavailable().catch((e: Error) => e.message);
  const v = await systemRunner.run("iperf3", ["--version"]);
  process.stderr.write(`iperf3: ${v.stdout.split("\n")[0]}; node ${process.version}\n`);
  const rows: Row[] = [];
  let pair: NetnsPair | null = null;
  const only = process.env.BENCH_ONLY ?? "";
  try {
    if (why) process.stderr.write(`skipping the 10 GbE emulation: ${why}\n`);
    else if (!only || only === "10g") {
      pair = await createNetnsPair({ rate: "10gbit", burst: "1mb", mtu: 1500 });
      const link: Link = { name: "10GbE (tbf)", serverNs: pair.a, clientNs: pair.b, host: pair.ipv4A };
      rows.push(await scenario(link, "client upload", (k, p) => runClientTool(k, link, p, false), 0.98, 1.5));
      rows.push(
        await scenario(link, "client download", (k, p) => runClientTool(k, link, p, true), 0.98, 1.5),
      );
      rows.push(
        await scenario(link, "server receiving", (k, p) => runServerTool(k, link, p, false), 0.98, 1.5),
      );
      rows.push(await scenario(link, "server sending", (k, p) => runServerTool(k, link, p, true), 0.98, 1.5));
      await pair.destroy();
      pair = null;
    }
    if (!only || only === "lo") {
      const lo: Link = { name: "loopback", serverNs: null, clientNs: null, host: "127.0.0.1" };
      rows.push(await scenario(lo, "client upload", (k, p) => runClientTool(k, lo, p, false), 0.8, null));
      rows.push(await scenario(lo, "client download", (k, p) => runClientTool(k, lo, p, true), 0.8, null));
      rows.push(await scenario(lo, "server receiving", (k, p) => runServerTool(k, lo, p, false), 0.7, null));
      rows.push(await scenario(lo, "server sending", (k, p) => runServerTool(k, lo, p, true), 0.7, null));
    }
  } finally {
    await pair?.destroy();
    rmSync(work, { recursive: true, force: true });
  }
  process.stdout.write(report(rows));
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
