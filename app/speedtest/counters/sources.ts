// The file readers. Directories are resolved once through SysRoot (symlinks followed inside the root, so tests
// drive everything with a fixture tree); the fixed leaf files are then read directly, refusing symlinks, which
// keeps a sample far below a millisecond (SysRoot's per-component walk costs ~150-500 us per sysfs file).
import { closeSync, constants, openSync, readFileSync } from "node:fs";
import type { SysRoot } from "../../sysfs/root.js";
import { parseProcStat, type ProcStat } from "./proc-stat.js";
import { parseSnmp, tcpCounters, type TcpCounters } from "./snmp.js";

/** statistics/ files we read, as camelCase keys (sysfs-class-net-statistics). */
export const IFACE_STATS = {
  rxBytes: "rx_bytes",
  txBytes: "tx_bytes",
  rxPackets: "rx_packets",
  txPackets: "tx_packets",
  rxDropped: "rx_dropped",
  txDropped: "tx_dropped",
  rxErrors: "rx_errors",
  txErrors: "tx_errors",
  rxMissedErrors: "rx_missed_errors",
  rxFifoErrors: "rx_fifo_errors",
  rxCrcErrors: "rx_crc_errors",
} as const;

export type IfaceStatKey = keyof typeof IFACE_STATS | "carrierChanges";
export type IfaceStats = Record<IfaceStatKey, number | null>;

/** Interface names the kernel accepts (IFNAMSIZ 16, no "/" or whitespace); anything else is never read. */
export function validIfaceName(name: string): boolean {
  return /^[^/\s:]{1,15}$/.test(name) && name !== "." && name !== "..";
}

const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW;

/** Reads fixed file names in one directory of the root, resolved once. */
export class DirReader {
  private readonly host: string | null;

  constructor(root: SysRoot, dir: string) {
    const real = root.resolve(dir);
    this.host = real !== null && root.isDirectory(real) ? root.hostPath(real) : null;
  }

  get exists(): boolean {
    return this.host !== null;
  }

  /** Whole file, or null when missing, unreadable or a symlink. `leaf` is a constant of this module. */
  text(leaf: string): string | null {
    if (this.host === null) return null;
    let fd: number;
    try {
      fd = openSync(`${this.host}/${leaf}`, READ_FLAGS);
    } catch {
      return null;
    }
    try {
      return readFileSync(fd, "utf8");
    } catch {
      return null;
    } finally {
      closeSync(fd);
    }
  }

  /** A decimal integer file, or null. */
  int(leaf: string): number | null {
    const v = this.text(leaf)?.trim();
    if (v === undefined || !/^-?\d+$/.test(v)) return null;
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : null;
  }
}

/** Cumulative counters of one interface (a reader of /sys/class/net/IF), or null when it does not exist. */
export function readIfaceStats(dir: DirReader, stats: DirReader): IfaceStats | null {
  const out = {} as IfaceStats;
  let any = false;
  for (const [key, file] of Object.entries(IFACE_STATS) as [keyof typeof IFACE_STATS, string][]) {
    const v = stats.int(file);
    out[key] = v;
    if (v !== null) any = true;
  }
  out.carrierChanges = dir.int("carrier_changes");
  return any ? out : null;
}

/** `proc` reads /proc. */
export function readProcStat(proc: DirReader): ProcStat | null {
  const text = proc.text("stat");
  return text === null ? null : parseProcStat(text);
}

/** `procNet` reads /proc/net (per network namespace: the reading process's own). */
export function readTcp(procNet: DirReader): TcpCounters | null {
  const text = procNet.text("snmp");
  return text === null ? null : tcpCounters(parseSnmp(text));
}

export interface SwiotlbState {
  nslabs: number | null;
  used: number | null;
  usedHiwater: number | null;
  transientNslabs: number | null;
}

export const SWIOTLB_DIR = "/sys/kernel/debug/swiotlb";

/** swiotlb pool use from debugfs (root only, debugfs mounted); null when `io_tlb_used` cannot be read. */
export function readSwiotlb(swiotlb: DirReader): SwiotlbState | null {
  const used = swiotlb.int("io_tlb_used");
  if (used === null) return null;
  return {
    nslabs: swiotlb.int("io_tlb_nslabs"),
    used,
    usedHiwater: swiotlb.int("io_tlb_used_hiwater"),
    transientNslabs: swiotlb.int("io_tlb_transient_nslabs"),
  };
}
