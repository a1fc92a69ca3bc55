// A kernel tree holding only the top Makefile and atlantic, extracted once from Debian's source tarball
// into the test cache (keyed by the tarball's size and mtime): the DKMS tests build from it, which also
// exercises prepareDkmsSource's tree input on real sources, while the CLI build tests read the tarball.
import { existsSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Runner } from "../../../app/system/runner.js";
import { extractArgs } from "../../../driver/helper/dkms-source.js";
import { cacheDir } from "./cache.js";

export async function extractedTree(tarball: string, runner: Runner): Promise<string> {
  const st = statSync(tarball);
  const dir = cacheDir("sources", `${st.size}-${Math.floor(st.mtimeMs)}`);
  const tree = join(dir, "tree");
  if (existsSync(join(tree, "Makefile"))) return tree;
  const partial = join(dir, "partial");
  rmSync(partial, { recursive: true, force: true });
  cacheDir("sources", `${st.size}-${Math.floor(st.mtimeMs)}`, "partial");
  const r = await runner.run("tar", extractArgs(tarball, partial), { timeoutMs: 10 * 60_000 });
  if (r.code !== 0) throw new Error(`tar: ${r.stderr}`);
  const [top] = readdirSync(partial);
  if (!top) throw new Error(`${tarball} held nothing to extract`);
  renameSync(join(partial, top), tree);
  rmSync(partial, { recursive: true, force: true });
  return tree;
}
