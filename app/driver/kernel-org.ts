// The exact upstream release from kernel.org, only when the user asked for it (`--download`): the
// tarball is checked against kernel.org's sha256sums.asc before it is kept, and written atomically, so
// a partial or tampered download never becomes a source. The checksum list comes over HTTPS from the
// same CDN; its PGP signature is not verified (no keyring is shipped), which docs/driver-build.md says.
import { createHash } from "node:crypto";
import { createWriteStream, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { UserError } from "../errors.js";

export const KERNEL_ORG = "https://cdn.kernel.org/pub/linux/kernel";

/** Injectable for tests (a loopback server); globalThis.fetch in production. */
export type Fetch = (url: string) => Promise<Response>;

/**
 * The upstream release of a kernel, when its name says it: "6.12.117+deb12-amd64" -> "6.12.117".
 * Debian's 6.1 names ("6.1.0-56-amd64") carry an ABI number instead of the patch level: null.
 */
export function upstreamRelease(kernelRelease: string): string | null {
  const m = /^(\d+)\.(\d+)\.(\d+)(?=[-+_~]|$)/.exec(kernelRelease);
  if (!m || m[3] === "0") return null;
  return `${m[1]}.${m[2]}.${m[3]}`;
}

export function tarballName(version: string): string {
  return `linux-${version}.tar.xz`;
}

export function kernelOrgUrls(version: string, base = KERNEL_ORG): { tarball: string; sums: string } {
  const dir = `${base}/v${version.split(".")[0]}.x`;
  return { tarball: `${dir}/${tarballName(version)}`, sums: `${dir}/sha256sums.asc` };
}

/** The sha256 of `file` in a sha256sums(.asc) text ("<64 hex>  <name>" lines, PGP armour ignored). */
export function sha256For(sums: string, file: string): string | null {
  for (const line of sums.split("\n")) {
    const m = /^([0-9a-f]{64})\s+\*?(\S+)\s*$/.exec(line.trim());
    if (m && m[2] === file) return m[1] as string;
  }
  return null;
}

async function get(fetch: Fetch, url: string): Promise<Response> {
  let r: Response;
  try {
    r = await fetch(url);
  } catch (e) {
    throw new UserError(
      `could not reach ${url}: ${e instanceof Error ? e.message : String(e)}`,
      "check the network, or download the source yourself and give it with --source",
    );
  }
  if (!r.ok || !r.body)
    throw new UserError(`${url}: HTTP ${r.status}`, "give a kernel source with --source instead");
  return r;
}

/**
 * Downloads linux-<version>.tar.xz into destDir, verifies it, and returns its path. Throws UserError
 * and leaves nothing behind when the checksum is missing or different.
 */
export async function downloadKernelOrg(opts: {
  version: string;
  destDir: string;
  fetch?: Fetch;
  base?: string;
  progress?: (line: string) => void;
}): Promise<string> {
  const fetch = opts.fetch ?? globalThis.fetch;
  const urls = kernelOrgUrls(opts.version, opts.base);
  const name = tarballName(opts.version);
  const expected = sha256For(await (await get(fetch, urls.sums)).text(), name);
  if (!expected)
    throw new UserError(`${urls.sums} lists no checksum for ${name}`, "check the version, or give --source");
  mkdirSync(opts.destDir, { recursive: true });
  const final = join(opts.destDir, name);
  const partial = `${final}.partial-${process.pid}`;
  opts.progress?.(`downloading ${urls.tarball}`);
  const hash = createHash("sha256");
  try {
    const body = (await get(fetch, urls.tarball)).body as ReadableStream<Uint8Array>;
    const source = Readable.fromWeb(body as Parameters<typeof Readable.fromWeb>[0]);
    source.on("data", (chunk: Buffer) => hash.update(chunk));
    await pipeline(source, createWriteStream(partial, { mode: 0o644 }));
    const actual = hash.digest("hex");
    if (actual !== expected)
      throw new UserError(
        `${name} from kernel.org does not match its published checksum (got ${actual.slice(0, 16)}..., expected ${expected.slice(0, 16)}...); it was discarded`,
        "try again later, or download and check it yourself and give it with --source",
      );
    renameSync(partial, final);
    opts.progress?.(`verified sha256 ${actual}`);
    return final;
  } finally {
    rmSync(partial, { force: true });
  }
}
