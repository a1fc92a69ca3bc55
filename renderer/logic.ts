// Pure view logic of the renderer: formatters, finding -> action, chart data. Imports nothing DOM-specific,
// so the root tsconfig compiles it and node:test checks it.

export type Screen = "overview" | "driver" | "presets" | "speedtest" | "history" | "settings";

/** What a finding's action button starts. Parsed from the CLI command the finding suggests. */
export type FlowAction =
  | { kind: "authorize"; device: string; label: string }
  | { kind: "driver"; label: string }
  | { kind: "preset"; preset: string; iface: string | null; label: string };

/** Maps a finding's suggested command to a flow in the UI; other commands (dmesg, lspci) stay as text. */
export function actionOf(command: string): FlowAction | null {
  const auth = /^tenbolt thunderbolt authorize (\S+)/.exec(command);
  if (auth?.[1])
    return { kind: "authorize", device: auth[1], label: `Authorize Thunderbolt device ${auth[1]}` };
  if (/^tenbolt driver install\b/.test(command))
    return { kind: "driver", label: "Install the patched driver" };
  const preset = /^tenbolt preset apply (\S+)(?: --iface (\S+))?/.exec(command);
  if (preset?.[1])
    return {
      kind: "preset",
      preset: preset[1],
      iface: preset[2] ?? null,
      label: `Apply the preset ${preset[1]}`,
    };
  return null;
}

/** Bits per second as iperf3 prints it (decimal units). */
export function formatBps(bps: number): string {
  const units = ["bits/sec", "Kbits/sec", "Mbits/sec", "Gbits/sec", "Tbits/sec"];
  let v = bps;
  let i = 0;
  while (Math.abs(v) >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)} ${units[i]}`;
}

/** Bytes in binary units (RX buffer memory). */
export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[i]}`;
}

export function formatLinkSpeed(mbps: number | null, carrier: boolean | null): string {
  if (carrier === false) return "No link (cable unplugged or the other side is off)";
  if (mbps === null || mbps <= 0) return "Unknown";
  return mbps >= 1000 ? `${mbps / 1000} Gbit/s` : `${mbps} Mbit/s`;
}

/** DMA protection in plain words, from the adapter's IOMMU facts. */
export function dmaProtectionText(translated: boolean | null, type: string | null): string {
  if (translated === true)
    return type === "DMA"
      ? "On: the adapter can only reach memory the system gave it (strict mode)"
      : "On: the adapter can only reach memory the system gave it";
  if (translated === false) return "Off: the adapter could read or write any memory";
  return "Cannot tell from this system";
}

export const SEVERITY_RANK = { critical: 0, warning: 1, info: 2, ok: 3 } as const;
export type Severity = keyof typeof SEVERITY_RANK;

export function bySeverity<T extends { severity: Severity }>(findings: readonly T[]): T[] {
  return [...findings].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
}

/** Columns for uPlot: x (seconds), throughput (Gbit/s), CPU system %, CPU softirq %. */
export type ChartData = [number[], number[], (number | null)[], (number | null)[]];

export function emptyChart(): ChartData {
  return [[], [], [], []];
}

/** Adds one per-second point; a point at or before the last one replaces nothing (ignored). */
export function addPoint(
  data: ChartData,
  end: number,
  bitsPerSecond: number,
  cpu: { system: number; softirq: number } | null,
): ChartData {
  const last = data[0].at(-1);
  if (last !== undefined && end <= last) return data;
  return [
    [...data[0], end],
    [...data[1], bitsPerSecond / 1e9],
    [...data[2], cpu ? cpu.system : null],
    [...data[3], cpu ? cpu.softirq : null],
  ];
}

/** The error text a face shows: one line, with the hint when there is one. */
export function errorText(e: unknown): string {
  if (e && typeof e === "object" && "error" in e) {
    const err = (e as { error: { message?: unknown; hint?: unknown } }).error;
    if (typeof err.message === "string")
      return typeof err.hint === "string" && err.hint ? `${err.message} ${err.hint}` : err.message;
  }
  if (e instanceof Error) return e.message;
  return String(e);
}

/** The WebSocket URL of the contract on the page's own origin, carrying the page's token. */
export function socketUrl(pageHref: string): string {
  const page = new URL(pageHref);
  const ws = new URL("/api", page);
  ws.protocol = page.protocol === "https:" ? "wss:" : "ws:";
  const token = page.searchParams.get("token");
  if (token) ws.searchParams.set("token", token);
  return ws.toString();
}

/** Reconnect delay: doubles from 500 ms up to 10 s. */
export function backoff(attempt: number): number {
  return Math.min(10_000, 500 * 2 ** Math.max(0, attempt));
}
