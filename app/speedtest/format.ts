// Text for the terminal: the live line per second and the iperf3-style summary. Pure.
import type { Interval } from "./intervals.js";
import type { SpeedtestResult } from "./result.js";

export function formatRate(bps: number): string {
  if (bps >= 1e9) return `${(bps / 1e9).toFixed(2)} Gbit/s`;
  if (bps >= 1e6) return `${(bps / 1e6).toFixed(1)} Mbit/s`;
  return `${(bps / 1e3).toFixed(1)} kbit/s`;
}

export function formatBytes(b: number): string {
  if (b >= 2 ** 30) return `${(b / 2 ** 30).toFixed(2)} GiB`;
  if (b >= 2 ** 20) return `${(b / 2 ** 20).toFixed(1)} MiB`;
  return `${(b / 1024).toFixed(1)} KiB`;
}

export function formatInterval(iv: Interval, direction: SpeedtestResult["direction"]): string {
  const span = `${iv.start.toFixed(1).padStart(5)}-${iv.end.toFixed(1).padEnd(5)} s`;
  const detail =
    direction === "bidir"
      ? `  (up ${formatRate(iv.sentBitsPerSecond)}, down ${formatRate(iv.receivedBitsPerSecond)})`
      : "";
  return `${span}  ${formatRate(iv.bitsPerSecond).padStart(13)}${detail}${iv.omitted ? "  (omitted)" : ""}`;
}

interface HintsLike {
  hints?: { text: string }[];
  summary?: { maxCoreBusy?: { cpu: number; percent: number } | null };
}

export function formatSummary(r: SpeedtestResult): string {
  const out: string[] = [];
  const n = r.streams === 1 ? "1 stream" : `${r.streams} streams`;
  out.push(
    `${r.direction} ${r.server.host}:${r.server.port}, ${n}, ${r.durationSeconds.toFixed(2)} s measured`,
  );
  for (const l of r.lines) {
    const label =
      l.direction === "upload" ? "upload   (this host -> server)" : "download (server -> this host)";
    out.push(`  ${label}`);
    const retr = l.sender.retransmits === null ? "" : `  retransmits ${l.sender.retransmits}`;
    out.push(
      `    sender   ${l.sender.seconds.toFixed(2)} s  ${formatBytes(l.sender.bytes).padStart(10)}  ${formatRate(l.sender.bitsPerSecond).padStart(13)}  (${l.sender.side === "local" ? "this host" : "server"})${retr}`,
    );
    out.push(
      `    receiver ${l.receiver.seconds.toFixed(2)} s  ${formatBytes(l.receiver.bytes).padStart(10)}  ${formatRate(l.receiver.bitsPerSecond).padStart(13)}  (${l.receiver.side === "local" ? "this host" : "server"})`,
    );
  }
  out.push(
    `  CPU: this host ${r.cpu.total.toFixed(0)} % of a core, server ${r.remote.cpu.total.toFixed(0)} %`,
  );
  const c = r.counters as HintsLike | null;
  const core = c?.summary?.maxCoreBusy;
  if (core) out.push(`  busiest core: CPU ${core.cpu} at ${core.percent.toFixed(0)} %`);
  for (const h of c?.hints ?? []) out.push(`  hint: ${h.text}`);
  return out.join("\n") + "\n";
}
