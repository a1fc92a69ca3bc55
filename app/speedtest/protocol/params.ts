// The parameter block a client sends after PARAM_EXCHANGE. Building: exact JSON types (3.18+ servers
// silently ignore wrongly typed keys, older ones misbehave). Parsing (our server): like 3.18+, a key
// of the wrong type is ignored rather than failing the test; unknown keys are ignored.
import { z } from "zod";
import { DEFAULT_TCP_BLOCK, LIMITS } from "./constants.js";

export type Direction = "upload" | "download" | "bidir";

/** What a client asks for; validated before anything touches the network. */
export interface TestSpec {
  direction: Direction;
  /** Streams per direction (bidir opens twice as many connections). */
  streams: number;
  /** Seconds of measured test after the omitted warm-up. */
  time: number;
  omit: number;
  blockLen: number;
}

/** The keys a stock 3.12 client sends for a plain TCP test, in its order. */
export interface ParamsJson {
  tcp: true;
  omit: number;
  time: number;
  num: number;
  blockcount: number;
  parallel: number;
  reverse?: true;
  bidirectional?: true;
  len: number;
  pacing_timer: number;
  client_version: string;
}

export function buildParams(spec: TestSpec, clientVersion: string): ParamsJson {
  return {
    tcp: true,
    omit: spec.omit,
    time: spec.time,
    num: 0,
    blockcount: 0,
    parallel: spec.streams,
    ...(spec.direction === "download" ? { reverse: true as const } : {}),
    ...(spec.direction === "bidir" ? { bidirectional: true as const } : {}),
    len: spec.blockLen,
    pacing_timer: 1000,
    client_version: clientVersion,
  };
}

/** Problems with a spec, in words; empty when fine. Integers only: iperf3 types them as int. */
export function specProblems(spec: TestSpec): string[] {
  const p: string[] = [];
  const int = (v: number) => Number.isInteger(v);
  if (!int(spec.streams) || spec.streams < 1 || spec.streams > LIMITS.maxStreams)
    p.push(`--parallel must be a whole number from 1 to ${LIMITS.maxStreams}`);
  if (!int(spec.time) || spec.time < 1 || spec.time > LIMITS.maxTime)
    p.push(`--time must be a whole number of seconds from 1 to ${LIMITS.maxTime}`);
  if (!int(spec.omit) || spec.omit < 0 || spec.omit > LIMITS.maxOmit)
    p.push(`--omit must be a whole number of seconds from 0 to ${LIMITS.maxOmit}`);
  if (!int(spec.blockLen) || spec.blockLen < 1 || spec.blockLen > LIMITS.maxBlockLen)
    p.push(`--length must be a whole number of bytes from 1 to ${LIMITS.maxBlockLen}`);
  return p;
}

// A key of the wrong type becomes undefined, as 3.18+ servers do.
const num = z.number().finite().optional().catch(undefined);
const flag = z.literal(true).optional().catch(undefined);
const str = z.string().optional().catch(undefined);

const receivedParams = z.object({
  tcp: flag,
  udp: flag,
  sctp: flag,
  omit: num,
  time: num,
  num: num,
  blockcount: num,
  parallel: num,
  reverse: flag,
  bidirectional: flag,
  len: num,
  window: num,
  MSS: num,
  congestion: str,
  client_version: str,
});

/** The server's reading of a client's parameters. */
export type ReceivedParams =
  | {
      ok: true;
      direction: Direction;
      streams: number;
      time: number;
      omit: number;
      blockLen: number;
      clientVersion: string | null;
      /** Options a stock client may set that Node cannot apply (window, MSS, congestion). */
      ignored: string[];
    }
  | { ok: false; ierrno: number; reason: string };

const MAX_SERVER_STREAMS = 128; // iperf3's MAX_STREAMS

export function parseParams(json: unknown): ReceivedParams {
  const r = receivedParams.safeParse(json);
  if (!r.success) return { ok: false, ierrno: 114, reason: "parameters are not a JSON object" };
  const p = r.data;
  if (!p.tcp || p.udp || p.sctp) return { ok: false, ierrno: 13, reason: "only TCP tests are supported" };
  const streams = p.parallel ?? 1;
  if (!Number.isInteger(streams) || streams < 1 || streams > MAX_SERVER_STREAMS)
    return { ok: false, ierrno: 6, reason: `bad number of streams: ${streams}` };
  const blockLen = p.len ?? DEFAULT_TCP_BLOCK;
  if (!Number.isInteger(blockLen) || blockLen < 1 || blockLen > LIMITS.maxBlockLen)
    return { ok: false, ierrno: 7, reason: `bad block length: ${blockLen}` };
  const time = p.time ?? 10;
  const omit = p.omit ?? 0;
  if (time < 0 || omit < 0) return { ok: false, ierrno: 114, reason: "negative time or omit" };
  const ignored = (["window", "MSS", "congestion"] as const).filter((k) => p[k] !== undefined);
  return {
    ok: true,
    direction: p.bidirectional ? "bidir" : p.reverse ? "download" : "upload",
    streams,
    time,
    omit,
    blockLen,
    clientVersion: p.client_version ?? null,
    ignored,
  };
}
