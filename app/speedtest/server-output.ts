// The text `tenbolt serve` returns for --get-server-output (iperf3's server_output_text): what
// the server saw, one line per stream and a sum per direction, in iperf3's column layout. Pure.
import type { Role } from "./plan.js";

export interface ServerStreamReport {
  id: number;
  role: Role;
  bytes: number;
}

/** iperf3's adaptive units: bytes in powers of 1024, bits in powers of 1000. */
function bytesText(b: number): string {
  const units = ["Bytes", "KBytes", "MBytes", "GBytes", "TBytes"];
  let v = b;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${units[i]}`;
}

function bitsText(bps: number): string {
  const units = ["bits/sec", "Kbits/sec", "Mbits/sec", "Gbits/sec", "Tbits/sec"];
  let v = bps;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${units[i]}`;
}

export function serverOutputText(
  client: string,
  seconds: number,
  streams: readonly ServerStreamReport[],
): string {
  const span = `0.00-${seconds.toFixed(2)}`;
  const line = (id: string, bytes: number, what: string) =>
    `[${id.padStart(3)}] ${span.padStart(12)}  sec  ${bytesText(bytes).padStart(11)}  ${bitsText(seconds > 0 ? (bytes * 8) / seconds : 0).padStart(15)}  ${what}`;
  const out = [`Accepted connection from ${client}`, "[ ID] Interval           Transfer     Bitrate"];
  for (const role of ["recv", "send"] as const) {
    const mine = streams.filter((s) => s.role === role);
    const what = role === "recv" ? "receiver" : "sender";
    for (const s of mine) out.push(line(String(s.id), s.bytes, what));
    if (mine.length > 1)
      out.push(
        line(
          "SUM",
          mine.reduce((a, s) => a + s.bytes, 0),
          what,
        ),
      );
  }
  return out.join("\n") + "\n";
}
