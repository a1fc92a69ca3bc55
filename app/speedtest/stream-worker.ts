// A worker thread that owns some of the client's data connections. Sockets cannot move between
// threads in Node, so each worker opens its own connections when the main thread (which keeps the
// control connection and the connection order) tells it to, and publishes byte counts through a
// shared BigInt64Array indexed by stream slot.
import net, { type Socket } from "node:net";
import { parentPort, workerData } from "node:worker_threads";
import { countingOnread, makePayload, READ_BUFFER, startSender, type Sender } from "./stream-io.js";
import type { ToWorker, FromWorker } from "./worker-messages.js";

const port = parentPort;
if (!port) throw new Error("stream-worker must run as a worker thread");
const { counters } = workerData as { counters: SharedArrayBuffer };
const counts = new BigInt64Array(counters);

const sockets = new Map<number, Socket>();
const senders = new Map<number, { socket: Socket; payload: Buffer; sender: Sender | null }>();
let running = false;

const post = (m: FromWorker) => port.postMessage(m);

/** The slot's byte counter: a plain number on the hot path, published to the shared array. */
function counter(slot: number): (n: number) => void {
  let total = Number(Atomics.load(counts, slot));
  return (n) => {
    total += n;
    Atomics.store(counts, slot, BigInt(total));
  };
}

function connect(m: Extract<ToWorker, { t: "connect" }>): void {
  const add = counter(m.slot);
  const opts: net.NetConnectOpts = {
    host: m.host,
    port: m.port,
    // Stay half-open after the server's FIN so `ss` can still read TCP_INFO (retransmits).
    allowHalfOpen: true,
    ...(m.localAddress ? { localAddress: m.localAddress } : {}),
    ...(m.role === "recv" ? { onread: countingOnread(Buffer.allocUnsafe(READ_BUFFER), add) } : {}),
  };
  const s = net.connect(opts);
  const timer = setTimeout(
    () => s.destroy(Object.assign(new Error("connect timeout"), { code: "ETIMEDOUT" })),
    m.timeoutMs,
  );
  let connected = false;
  s.once("connect", () => {
    clearTimeout(timer);
    s.write(Buffer.from(m.cookie), (e) => {
      if (e) return;
      connected = true;
      sockets.set(m.slot, s);
      if (m.role === "send") {
        const entry = { socket: s, payload: makePayload(m.blockLen), sender: null as Sender | null };
        senders.set(m.slot, entry);
        if (running) entry.sender = startSender(s, entry.payload, add);
      }
      post({ t: "connected", slot: m.slot, localAddress: s.localAddress ?? "", localPort: s.localPort ?? 0 });
    });
  });
  s.on("error", (e: NodeJS.ErrnoException) => {
    clearTimeout(timer);
    if (!connected)
      post({ t: "connect-error", slot: m.slot, code: e.code ?? "EUNKNOWN", message: e.message });
    else post({ t: "stream-error", slot: m.slot, code: e.code ?? "EUNKNOWN" });
  });
  s.on("end", () => post({ t: "eof", slot: m.slot }));
}

port.on("message", (m: ToWorker) => {
  switch (m.t) {
    case "connect":
      connect(m);
      break;
    case "start":
      running = true;
      for (const [slot, e] of senders) e.sender ??= startSender(e.socket, e.payload, counter(slot));
      break;
    case "stop-send":
      void Promise.all([...senders.values()].map((e) => e.sender?.stop())).then(() =>
        post({ t: "send-stopped" }),
      );
      break;
    case "close":
      for (const s of sockets.values()) s.destroy();
      post({ t: "closed" });
      port.close();
      break;
  }
});
