// Which data connection does what, in connection order. The server assigns roles by accept order
// (the first `streams_to_rec` connections are the ones it receives on), so in bidir the client
// opens its sending streams first. Stream ids follow that order: 1, 3, 4, 5, ... (iperf3 skips 2).
import type { Direction } from "./protocol/params.js";

export type Role = "send" | "recv";

export interface StreamSlot {
  /** Index in connection order. */
  slot: number;
  /** iperf3 stream id. */
  id: number;
  /** What the client does on this connection; the server does the opposite. */
  clientRole: Role;
}

export function streamId(slot: number): number {
  return slot === 0 ? 1 : slot + 2;
}

export function planStreams(direction: Direction, streams: number): StreamSlot[] {
  const roles: Role[] =
    direction === "upload"
      ? Array<Role>(streams).fill("send")
      : direction === "download"
        ? Array<Role>(streams).fill("recv")
        : [...Array<Role>(streams).fill("send"), ...Array<Role>(streams).fill("recv")];
  return roles.map((clientRole, slot) => ({ slot, id: streamId(slot), clientRole }));
}

export function serverRole(s: StreamSlot): Role {
  return s.clientRole === "send" ? "recv" : "send";
}
