// iperf3 control-protocol constants (esnet/iperf src/iperf_api.h, src/iperf.h), checked on the wire
// against Debian's iperf3 3.12.

/** The cookie: 36 characters of [a-z2-7] plus a NUL, sent first on every TCP connection. */
export const COOKIE_SIZE = 37;
const COOKIE_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

/** State bytes on the control connection (signed bytes; -1 and -2 travel as 0xFF and 0xFE). */
export const State = {
  TEST_START: 1,
  TEST_RUNNING: 2,
  TEST_END: 4,
  PARAM_EXCHANGE: 9,
  CREATE_STREAMS: 10,
  SERVER_TERMINATE: 11,
  CLIENT_TERMINATE: 12,
  EXCHANGE_RESULTS: 13,
  DISPLAY_RESULTS: 14,
  IPERF_DONE: 16,
  ACCESS_DENIED: -1,
  SERVER_ERROR: -2,
} as const;
export type StateName = keyof typeof State;
export type StateValue = (typeof State)[StateName];

const stateNames = new Map<number, StateName>(
  (Object.entries(State) as [StateName, number][]).map(([k, v]) => [v, k]),
);

/** Name of a state byte for messages ("byte 72" for anything iperf3 never sends). */
export function stateName(value: number): string {
  return stateNames.get(value) ?? `byte ${value}`;
}

/** Converts the raw unsigned byte read from the wire to iperf3's signed state value. */
export function signedState(byte: number): number {
  return byte > 127 ? byte - 256 : byte;
}

export const DEFAULT_PORT = 5201;
/** iperf3's TCP default block length. */
export const DEFAULT_TCP_BLOCK = 128 * 1024;
/** Client-side limits (iperf3's own client limits; released servers do not range-check). */
export const LIMITS = {
  /** Issue scope: 1..16 streams (iperf3 allows 128). */
  maxStreams: 16,
  /** MAX_BLOCKSIZE. */
  maxBlockLen: 1024 * 1024,
  /** Client -t limit. */
  maxTime: 86_400,
  /** Client -O limit of servers before 3.18 (60); newer allow 600, we stay compatible with both. */
  maxOmit: 60,
} as const;
/** Parameter JSON cap of 3.18+ servers (MAX_PARAMS_JSON_STRING); we apply it on both sides. */
export const MAX_PARAMS_JSON = 8 * 1024;
/** Results JSON has no cap in iperf3; ours bounds memory against a hostile peer. */
export const MAX_RESULTS_JSON = 4 * 1024 * 1024;

/** i_errno values worth a sentence (same numbers 3.9..3.21). */
export const IERRNO_TEXT: Readonly<Record<number, string>> = {
  6: "the server refused the number of parallel streams",
  7: "the server refused the block length",
  13: "the server does not implement a requested option",
  27: "the requested rate exceeds the server's --server-bitrate-limit",
  37: "the test is longer than the server's --server-max-duration",
  114: "the server could not read the test parameters",
  117: "the server could not read the results",
  121: "the server denied access",
  142: "authentication failed (the server requires --username/--rsa-public-key-path)",
  144: "the server received no data within its --rcv-timeout",
  160: "the server's test duration safety timer expired",
  208: "the server saw an unknown stream id",
};

/** A fresh random cookie in iperf3's format. */
export function makeCookie(random: (n: number) => Buffer): Buffer {
  const bytes = random(COOKIE_SIZE - 1);
  const out = Buffer.alloc(COOKIE_SIZE);
  for (let i = 0; i < COOKIE_SIZE - 1; i++) {
    out[i] = COOKIE_ALPHABET.charCodeAt((bytes[i] as number) % COOKIE_ALPHABET.length);
  }
  return out; // last byte stays NUL, as iperf3 sends it
}
