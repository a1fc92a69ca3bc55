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
  bandwidth: num,
  fqrate: num,
  burst: num,
  nodelay: flag,
  repeating_payload: num,
  get_server_output: num,
  client_version: str,
  // Known keys this server cannot apply (Node has no socket option for them): named, not refused.
  window: num,
  MSS: num,
  congestion: str,
  TOS: num,
  flowlabel: num,
  server_affinity: num,
  zerocopy: num,
  dont_fragment: num,
  skip_rx_copy: num,
  mptcp: flag,
});

/** Options a stock client may set that this server does not apply, by the iperf3 flag that sets them. */
const IGNORED_KEYS = [
  ["window", "-w"],
  ["MSS", "-M"],
  ["congestion", "-C"],
  ["TOS", "-S"],
  ["flowlabel", "-L"],
  ["server_affinity", "-A"],
  ["zerocopy", "-Z"],
  ["dont_fragment", "--dont-fragment"],
  ["skip_rx_copy", "--skip-rx-copy"],
  ["mptcp", "-m"],
] as const;

/** iperf3's MAX_BURST (src/iperf.h). */
const MAX_BURST = 1000;

/** Where the server's sending streams stop on their own: iperf3's -n (bytes) or -k (blocks), all streams together. */
export type SendLimit =
  { kind: "time" } | { kind: "bytes"; bytes: number } | { kind: "blocks"; blocks: number };

/** The server's reading of a client's parameters. */
export type ReceivedParams =
  | {
      ok: true;
      direction: Direction;
      streams: number;
      time: number;
      omit: number;
      blockLen: number;
      limit: SendLimit;
      /** Per-stream pacing in bit/s (the lower of -b and --fq-rate), 0 for none. */
      rateBps: number;
      /** Blocks per paced burst (-b RATE/BURST), 1 without. */
      burst: number;
      noDelay: boolean;
      repeatingPayload: boolean;
      getServerOutput: boolean;
      clientVersion: string | null;
      /** iperf3 flags the client set that this server does not apply. */
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
  // As iperf3's get_parameters: negative counts and rates are IERECVPARAMS, a bad burst IEBURST.
  const bytes = Math.floor(p.num ?? 0);
  const blocks = Math.floor(p.blockcount ?? 0);
  const bandwidth = p.bandwidth ?? 0;
  const fqrate = p.fqrate ?? 0;
  if (bytes < 0 || blocks < 0) return { ok: false, ierrno: 114, reason: "negative byte or block count" };
  if (bandwidth < 0 || fqrate < 0) return { ok: false, ierrno: 114, reason: "negative rate" };
  if (p.burst !== undefined && (!(p.burst > 0) || p.burst > MAX_BURST))
    return { ok: false, ierrno: 15, reason: `bad burst count: ${p.burst}` };
  const limit: SendLimit =
    bytes > 0 ? { kind: "bytes", bytes } : blocks > 0 ? { kind: "blocks", blocks } : { kind: "time" };
  const rates = [bandwidth, fqrate].filter((v) => v > 0);
  const ignored = IGNORED_KEYS.filter(([k]) => p[k] !== undefined).map(([, flag]) => flag);
  return {
    ok: true,
    direction: p.bidirectional ? "bidir" : p.reverse ? "download" : "upload",
    streams,
    time,
    omit,
    blockLen,
    limit,
    rateBps: rates.length ? Math.min(...rates) : 0,
    burst: p.burst !== undefined ? Math.floor(p.burst) : 1,
    noDelay: p.nodelay === true,
    repeatingPayload: p.repeating_payload !== undefined && p.repeating_payload !== 0,
    getServerOutput: p.get_server_output !== undefined && p.get_server_output !== 0,
    clientVersion: p.client_version ?? null,
    ignored,
  };
}
