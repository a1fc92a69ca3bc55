// Every way a speed test can fail, as one line for the user plus what to do. The protocol code
// throws these; the CLI prints them through UserError like every other command.
import { UserError } from "../errors.js";
import { IERRNO_TEXT } from "./protocol/constants.js";

export type SpeedtestFailure =
  | "refused"
  | "unreachable"
  | "timeout"
  | "name"
  | "scope"
  | "busy"
  | "server-error"
  | "rejected"
  | "not-iperf3"
  | "closed"
  | "protocol"
  | "interrupted"
  | "address-in-use"
  | "bind";

export class SpeedtestError extends UserError {
  constructor(
    readonly kind: SpeedtestFailure,
    message: string,
    hint?: string,
  ) {
    super(message, hint, kind === "interrupted" ? 130 : 1);
    this.name = "SpeedtestError";
  }
}

export function where(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Maps a socket error from connecting to the server to a sentence. */
export function connectFailure(
  e: NodeJS.ErrnoException,
  host: string,
  port: number,
  timeoutMs: number,
): SpeedtestError {
  const at = where(host, port);
  switch (e.code) {
    case "ECONNREFUSED":
      return new SpeedtestError(
        "refused",
        `connection refused by ${at}: no iperf3 server is listening there`,
        "start `iperf3 -s` (or `tenbolt serve`) on the server, or check --port",
      );
    case "ETIMEDOUT":
      return new SpeedtestError(
        "timeout",
        `no answer from ${at} within ${Math.round(timeoutMs / 1000)} s`,
        "check that the host is up and that a firewall lets TCP port " + port + " through",
      );
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "EAI_NONAME":
    case "EAI_FAIL":
      return new SpeedtestError(
        "name",
        `cannot resolve the name '${host}'`,
        "check the spelling or use an IP address",
      );
    case "EHOSTUNREACH":
    case "ENETUNREACH":
    case "EHOSTDOWN":
    case "ENETDOWN":
      return new SpeedtestError(
        "unreachable",
        `${at} is unreachable (${e.code})`,
        "check the cable, the address and the route",
      );
    case "EINVAL":
      if (/^fe80:/i.test(host) && !host.includes("%"))
        return new SpeedtestError(
          "scope",
          `IPv6 link-local address ${host} needs an interface scope`,
          `write it as ${host}%IFACE, e.g. ${host}%enp99s0`,
        );
      return new SpeedtestError("unreachable", `cannot connect to ${at} (${e.code})`);
    case "EADDRNOTAVAIL":
      return new SpeedtestError(
        "bind",
        `cannot use the local address for ${at} (EADDRNOTAVAIL)`,
        "check --bind or the address's interface scope",
      );
    case "ECONNRESET":
    case "EPIPE":
      return new SpeedtestError("closed", `${at} reset the connection`);
    default:
      return new SpeedtestError("unreachable", `cannot connect to ${at}: ${e.code ?? e.message}`);
  }
}

/** SERVER_ERROR (0xFE) with iperf3's i_errno and errno, when the server sent them. */
export function serverErrorFailure(ierrno: number | null, errno: number | null, at: string): SpeedtestError {
  const what = ierrno === null ? "an unspecified error" : (IERRNO_TEXT[ierrno] ?? `error ${ierrno}`);
  const os = errno ? ` (errno ${errno})` : "";
  const code = ierrno === null ? "" : ` [i_errno ${ierrno}]`;
  return new SpeedtestError("server-error", `the iperf3 server at ${at} reported ${what}${os}${code}`);
}

export function busyFailure(at: string): SpeedtestError {
  return new SpeedtestError(
    "busy",
    `the iperf3 server at ${at} is busy running another test`,
    "try again in a few seconds; an iperf3 3.9 server can stay busy until restarted",
  );
}

export function ierrnoText(ierrno: number): string {
  return IERRNO_TEXT[ierrno] ?? `error ${ierrno}`;
}
