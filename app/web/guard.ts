// The web host's decisions, pure so each is tested on its own: which Host and Origin headers are this
// server, whether a token matches (constant time), and which file a URL path may name.
import { timingSafeEqual } from "node:crypto";
import { resolve, sep } from "node:path";
import { contentType } from "../ui-policy/content-types.js";

export { contentType };

/** Only the loopback names of this very port: anything else is a DNS-rebinding attempt. */
export function hostAllowed(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

/** The page's own origin, as the browser sends it on the WebSocket upgrade. */
export function originAllowed(origin: string | undefined, host: string | undefined, port: number): boolean {
  return hostAllowed(host, port) && origin === `http://${host}`;
}

export function tokenMatches(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== "string") return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export const COOKIE = "tenbolt_token";

/** The token from a Cookie header, or null. */
export function cookieToken(header: string | undefined): string | null {
  for (const part of (header ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === COOKIE) return v.join("=");
  }
  return null;
}

/** The file under `root` that `urlPath` names, or null when it would leave root or is malformed. */
export function resolveStatic(root: string, urlPath: string): string | null {
  let p: string;
  try {
    p = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (p.includes("\0") || !p.startsWith("/")) return null;
  if (p === "/") p = "/index.html";
  const base = resolve(root);
  const file = resolve(base, "." + p);
  return file.startsWith(base + sep) ? file : null;
}
