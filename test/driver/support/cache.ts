// Downloads and builds the driver tests reuse between runs (they also work from an empty cache).
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { defaultPatchFile } from "../../../driver/helper/atlantic-patch.js";

export const CACHE_DIR = process.env.TENBOLT_TEST_CACHE ?? "/var/cache/tenbolt-test";

export function cacheDir(...parts: string[]): string {
  const dir = join(CACHE_DIR, ...parts);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Key of a built module: the patch text, the source tarball (size + mtime) and the kernel. A change in
 * any of them means a rebuild.
 */
export function moduleKey(kernelRelease: string, source: string): string {
  const st = statSync(source);
  return createHash("sha256")
    .update(readFileSync(defaultPatchFile()))
    .update(`${source}:${st.size}:${st.mtimeMs}:${kernelRelease}`)
    .digest("hex")
    .slice(0, 16);
}
