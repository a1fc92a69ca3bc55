// atlantic.ko built by `tenbolt driver build` for a kernel, kept in the test cache under a key of
// patch + source + kernel, so the VM test can reuse the build test's result or build it itself.
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { main } from "../../../app/cli/main.js";
import { memoryIo } from "../../../app/cli/io.js";
import { CACHE_DIR, moduleKey } from "./cache.js";

export function cachedModulePath(kernelRelease: string, source: string): string {
  return join(CACHE_DIR, "modules", `${kernelRelease}-${moduleKey(kernelRelease, source)}`, "atlantic.ko");
}

/** Runs the CLI in-process; returns exit status and output. */
export async function runCli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo({ ...process.env });
  const code = await main(argv, io);
  return { code, out: io.stdout, err: io.stderr };
}

export async function buildWithCli(kernelRelease: string, source: string, outDir: string) {
  return runCli(["driver", "build", "--kernel", kernelRelease, "--source", source, "--out", outDir]);
}

export function remember(kernelRelease: string, source: string, built: string): void {
  const target = cachedModulePath(kernelRelease, source);
  mkdirSync(join(target, ".."), { recursive: true });
  copyFileSync(built, target);
}

/** The cached module, building it first when the cache does not have it. */
export async function ensureModule(kernelRelease: string, source: string): Promise<string> {
  const target = cachedModulePath(kernelRelease, source);
  if (existsSync(target)) return target;
  const dir = join(target, "..");
  const r = await buildWithCli(kernelRelease, source, dir);
  if (r.code !== 0) throw new Error(`tenbolt driver build failed: ${r.err}`);
  return target;
}
