// Two network namespaces joined by a veth pair, optionally shaped with tbf on both ends, for
// speed tests that must not touch the host's network. Needs root and iproute2. Every command goes
// through systemRunner (argv, no shell); destroy() removes everything, also after a failed setup.
import { randomBytes } from "node:crypto";
import { systemRunner, type RunResult } from "../../app/system/runner.js";

export interface NetnsPair {
  /** Namespace names: a runs the server, b the client. */
  a: string;
  b: string;
  /** veth device inside each namespace. */
  devA: string;
  devB: string;
  ipv4A: string;
  ipv4B: string;
  /** Link-local IPv6 addresses (no DAD), used with %dev scope. */
  ll6A: string;
  ll6B: string;
  destroy(): Promise<void>;
}

export interface NetnsOptions {
  /** tbf rate on both ends, e.g. "2gbit"; null: unshaped. */
  rate: string | null;
  /** tbf burst (keep >= rate x 1 ms). */
  burst?: string;
  mtu?: number;
}

async function ip(args: string[]): Promise<RunResult> {
  const r = await systemRunner.run("ip", args, { timeoutMs: 10_000 });
  if (r.code !== 0) throw new Error(`ip ${args.join(" ")}: ${r.stderr.trim() || r.spawnError?.message}`);
  return r;
}

async function inNs(ns: string, cmd: string, args: string[]): Promise<void> {
  const r = await systemRunner.run("ip", ["netns", "exec", ns, cmd, ...args], { timeoutMs: 10_000 });
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")} in ${ns}: ${r.stderr.trim()}`);
}

/** Why netns tests cannot run here, or null when they can. With CI=true a missing tool is a failure. */
export async function netnsUnavailable(): Promise<string | null> {
  const why = await missing();
  if (why && process.env.CI === "true") throw new Error(`netns tests are required in CI: ${why}`);
  return why;
}

async function missing(): Promise<string | null> {
  if (process.getuid?.() !== 0) return "needs root for ip netns";
  for (const [cmd, args] of [
    ["ip", ["-V"]],
    ["tc", ["-V"]],
    ["iperf3", ["--version"]],
  ] as const) {
    const r = await systemRunner.run(cmd, args, { timeoutMs: 5000 });
    if (r.spawnError) return `${cmd} is not installed`;
  }
  return null;
}

export async function createNetnsPair(opts: NetnsOptions): Promise<NetnsPair> {
  const tag = randomBytes(3).toString("hex");
  const a = `tbA${tag}`;
  const b = `tbB${tag}`;
  const devA = `vA${tag}`;
  const devB = `vB${tag}`;
  const octet = 1 + (parseInt(tag.slice(0, 2), 16) % 250);
  const pair: NetnsPair = {
    a,
    b,
    devA,
    devB,
    ipv4A: `10.213.${octet}.1`,
    ipv4B: `10.213.${octet}.2`,
    ll6A: "fe80::a1",
    ll6B: "fe80::b2",
    async destroy() {
      await systemRunner.run("ip", ["netns", "del", a], { timeoutMs: 10_000 });
      await systemRunner.run("ip", ["netns", "del", b], { timeoutMs: 10_000 });
    },
  };
  try {
    await ip(["netns", "add", a]);
    await ip(["netns", "add", b]);
    await ip(["link", "add", devA, "netns", a, "type", "veth", "peer", "name", devB, "netns", b]);
    for (const [ns, dev, v4, v6] of [
      [a, devA, pair.ipv4A, pair.ll6A],
      [b, devB, pair.ipv4B, pair.ll6B],
    ] as const) {
      await inNs(ns, "ip", ["link", "set", "lo", "up"]);
      await inNs(ns, "ip", ["link", "set", dev, "mtu", String(opts.mtu ?? 1500), "up"]);
      await inNs(ns, "ip", ["addr", "add", `${v4}/24`, "dev", dev]);
      await inNs(ns, "ip", ["-6", "addr", "add", `${v6}/64`, "dev", dev, "nodad"]);
      if (opts.rate)
        await inNs(ns, "tc", [
          "qdisc",
          "add",
          "dev",
          dev,
          "root",
          "tbf",
          "rate",
          opts.rate,
          "burst",
          opts.burst ?? "1mb",
          "latency",
          "5ms",
        ]);
    }
    return pair;
  } catch (e) {
    await pair.destroy();
    throw e;
  }
}
