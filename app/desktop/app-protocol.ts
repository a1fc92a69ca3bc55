// The tenbolt://app/ protocol's decisions, pure: which file a URL may serve (never one outside the
// renderer's directory), its content type, and which frames may call the contract.
import { isAbsolute, relative, resolve } from "node:path";
import { contentType, isUiFileType } from "../ui-policy/content-types.js";

export { contentType };

export const APP_ORIGIN = "tenbolt://app";
export const APP_URL = `${APP_ORIGIN}/index.html`;

/** The file under `base` that `url` names, or null for another host, a traversal or an unknown type. */
export function appFilePath(base: string, url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== "tenbolt:" || u.host !== "app") return null;
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (path.includes("\0") || path.includes("\\")) return null;
  if (path === "/" || path === "") path = "/index.html";
  const file = resolve(base, `.${path}`);
  const rel = relative(resolve(base), file);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) return null;
  if (!isUiFileType(file)) return null;
  return file;
}

/** Only the app's own page may call the contract (not a frame it somehow ended up embedding). */
export function isAppFrame(url: string | undefined | null): boolean {
  if (!url) return false;
  try {
    const u = new URL(url);
    return u.protocol === "tenbolt:" && u.host === "app";
  } catch {
    return false;
  }
}
