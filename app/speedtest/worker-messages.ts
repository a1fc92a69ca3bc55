// Messages between the main thread and stream workers.
export type ToWorker =
  | {
      t: "connect";
      slot: number;
      role: "send" | "recv";
      host: string;
      port: number;
      localAddress: string | null;
      cookie: Uint8Array;
      blockLen: number;
      timeoutMs: number;
    }
  | { t: "start" }
  | { t: "stop-send" }
  | { t: "close" };

export type FromWorker =
  | { t: "connected"; slot: number; localAddress: string; localPort: number }
  | { t: "connect-error"; slot: number; code: string; message: string }
  | { t: "stream-error"; slot: number; code: string }
  | { t: "eof"; slot: number }
  | { t: "send-stopped" }
  | { t: "closed" };
