// The local web UI: the renderer's files over HTTP and the contract over a WebSocket at /api, on
// 127.0.0.1 only. The token comes in the page URL's query once; the page response sets it as an
// HttpOnly SameSite=Strict cookie, which the assets and the socket then carry. Every call goes
// through dispatch() (the same argument checks as Electron's IPC); events go to every socket.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { WireRequestSchema, type WireMessage } from "../api/contract.js";
import { dispatch, type ServiceMethods } from "../api/dispatch.js";
import type { TenboltService } from "../api/service-deps.js";
import { CONTENT_SECURITY_POLICY } from "../ui-policy/csp.js";
import {
  contentType,
  COOKIE,
  cookieToken,
  hostAllowed,
  originAllowed,
  resolveStatic,
  tokenMatches,
} from "./guard.js";

/** A frame larger than this is refused (a call's arguments are small). */
export const MAX_FRAME = 64 * 1024;

export interface WebHostOptions {
  service: TenboltService;
  staticDir: string;
  port: number;
  token?: string;
}

export interface WebHost {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  "Content-Security-Policy": CONTENT_SECURITY_POLICY,
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  "Cache-Control": "no-store",
};

function refuse(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { ...SECURITY_HEADERS, "Content-Type": "text/plain; charset=utf-8" });
  res.end(text + "\n");
}

export async function startWebHost(o: WebHostOptions): Promise<WebHost> {
  const token = o.token ?? randomBytes(32).toString("hex");
  let port = o.port;

  const server = createServer((req, res) => void serveHttp(req, res));

  async function serveHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req.headers.host, port)) return refuse(res, 403, "forbidden: unknown Host header");
    if (req.method !== "GET" && req.method !== "HEAD") return refuse(res, 405, "method not allowed");
    const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
    const fromQuery = url.searchParams.get("token");
    const ok = tokenMatches(fromQuery, token) || tokenMatches(cookieToken(req.headers.cookie), token);
    if (!ok) return refuse(res, 403, "forbidden: open the URL with its token, as printed by 'tenbolt ui'");
    const file = resolveStatic(o.staticDir, url.pathname);
    if (!file) return refuse(res, 404, "not found");
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return refuse(res, 404, "not found");
    }
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      "Content-Type": contentType(file),
      "Set-Cookie": `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
    });
    res.end(req.method === "HEAD" ? undefined : body);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME });
  const sockets = new Set<WebSocket>();
  const send = (ws: WebSocket, m: WireMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
  };

  server.on("upgrade", (req, socket, head) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const allowed =
      path === "/api" &&
      originAllowed(req.headers.origin, req.headers.host, port) &&
      tokenMatches(cookieToken(req.headers.cookie), token);
    if (!allowed) {
      socket.end("HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on("close", () => sockets.delete(ws));
      ws.on("error", () => sockets.delete(ws));
      ws.on("message", (data, isBinary) => void onFrame(ws, data.toString(), isBinary));
    });
  });

  async function onFrame(ws: WebSocket, text: string, isBinary: boolean): Promise<void> {
    let json: unknown;
    try {
      json = isBinary ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    const req = WireRequestSchema.safeParse(json);
    if (!req.success) {
      const id = (json as { id?: unknown } | undefined)?.id;
      send(ws, {
        kind: "reply",
        id: typeof id === "number" && Number.isInteger(id) && id >= 0 ? id : 0,
        reply: {
          ok: false,
          error: {
            message: "malformed request frame",
            hint: "send {id, method, args} as JSON",
            kind: "usage",
          },
        },
      });
      return;
    }
    const reply = await dispatch(o.service as unknown as ServiceMethods, req.data.method, req.data.args);
    send(ws, { kind: "reply", id: req.data.id, reply });
  }

  const unsubscribe = o.service.onEvent((event) => {
    for (const ws of sockets) send(ws, { kind: "event", event });
  });

  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(o.port, "127.0.0.1", () => {
      server.off("error", fail);
      ok();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    async close() {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
