// The renderer's one way to the core: the Electron preload's bridge when present, else a WebSocket to
// /api on the page's own origin (the web UI), reconnecting with backoff.
import type { ApiEvent, Reply, WireMessage } from "../app/api/contract.js";
import type { BridgeApi, Transport } from "../app/api/client.js";
import { backoff, socketUrl } from "./logic.js";

declare global {
  interface Window {
    tenbolt?: BridgeApi;
  }
}

export type ConnectionListener = (connected: boolean) => void;

export interface RendererTransport extends Transport {
  onConnection(l: ConnectionListener): void;
}

function bridgeTransport(b: BridgeApi): RendererTransport {
  return {
    call: (m, a) => b.call(m, a),
    subscribe: (l) => b.subscribe(l),
    onConnection: (l) => l(true),
  };
}

function socketTransport(url: string): RendererTransport {
  let ws: WebSocket | null = null;
  let nextId = 1;
  let attempt = 0;
  const pending = new Map<number, (r: Reply<unknown>) => void>();
  const queue: string[] = [];
  const listeners = new Set<(e: ApiEvent) => void>();
  const connListeners = new Set<ConnectionListener>();
  const setConnected = (c: boolean) => connListeners.forEach((l) => l(c));

  const open = () => {
    const s = new WebSocket(url);
    ws = s;
    s.onopen = () => {
      attempt = 0;
      setConnected(true);
      for (const f of queue.splice(0)) s.send(f);
    };
    s.onmessage = (m) => {
      let msg: WireMessage;
      try {
        msg = JSON.parse(String(m.data)) as WireMessage;
      } catch {
        return;
      }
      if (msg.kind === "reply") {
        pending.get(msg.id)?.(msg.reply);
        pending.delete(msg.id);
      } else if (msg.kind === "event") listeners.forEach((l) => l(msg.event));
    };
    s.onclose = () => {
      ws = null;
      setConnected(false);
      for (const [id, resolve] of pending) {
        resolve({ ok: false, error: { kind: "failed", message: "The connection to Tenbolt was lost." } });
        pending.delete(id);
      }
      setTimeout(open, backoff(attempt++));
    };
  };
  open();

  return {
    call(method, args) {
      const id = nextId++;
      const frame = JSON.stringify({ id, method, args: args ?? {} });
      return new Promise((resolve) => {
        pending.set(id, resolve);
        if (ws && ws.readyState === WebSocket.OPEN) ws.send(frame);
        else queue.push(frame);
      });
    },
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    onConnection(l) {
      connListeners.add(l);
    },
  };
}

export function createTransport(): RendererTransport {
  return window.tenbolt ? bridgeTransport(window.tenbolt) : socketTransport(socketUrl(location.href));
}
