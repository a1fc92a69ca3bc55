// `tenbolt driver build`: patch atlantic and build atlantic.ko for one kernel, installing nothing.
// The source is staged, checked and patched exactly as the DKMS package is (driver/helper/dkms-source),
// in a private temporary directory, then compiled against the kernel's headers with kbuild.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { UserError } from "../errors.js";
import type { Runner } from "../system/runner.js";
import { VERSION } from "../version.js";
import { PatchDoesNotApply, patchArgs, patchProgram } from "../../driver/helper/atlantic-patch.js";
import {
  DKMS_NAME,
  DKMS_SRC_SUBDIR,
  extractArgs,
  kbuildArgs,
  prepareDkmsSource,
  SourceRefused,
  type DkmsPackage,
} from "../../driver/helper/dkms-source.js";
import { kernelSeries, seriesText, versionText } from "../../driver/helper/kernel-version.js";
import { downloadKernelOrg, kernelOrgUrls, upstreamRelease, type Fetch } from "./kernel-org.js";
import { findAtlanticSource, headersDir, type AtlanticSource } from "./source.js";

export interface BuildOptions {
  kernelRelease: string;
  /** Tree or tarball; default: the distribution's linux-source package for the kernel's X.Y. */
  source?: string;
  outDir: string;
  runner: Runner;
  /** Print what would be run and written, do nothing. */
  dryRun?: boolean;
  progress: (line: string) => void;
  /**
   * The user's consent to fetch the kernel's exact upstream release from kernel.org (checksum verified)
   * when no --source is given; it is kept in this directory.
   */
  download?: { cacheDir: string; fetch?: Fetch };
  /** Parallel make jobs (default: the machine's CPUs). */
  jobs?: number;
  clock?: () => number;
}

export interface BuildResult {
  module: string;
  vermagic: string;
  sourceVersion: string;
  seconds: { prepare: number; compile: number };
}

function sourceLine(s: AtlanticSource): string {
  return s.kind === "tree" ? `${s.path} (tree, Linux ${s.version})` : `${s.path} (tarball)`;
}

function makeArgs(headers: string, moduleDir: string, jobs: number): string[] {
  return ["-C", headers, `-j${jobs}`, ...kbuildArgs(moduleDir)];
}

/** Every command and write of a build, in order, for --dry-run. */
export function buildPlan(
  kernelRelease: string,
  source: AtlanticSource,
  headers: string,
  outDir: string,
  jobs: number,
) {
  const tmp = join(tmpdir(), "tenbolt-build-XXXXXX");
  const pkg = join(tmp, "usr/src", `${DKMS_NAME}-${VERSION}+k<source version>`);
  const staging = join(tmp, "usr/src", `.${DKMS_NAME}-staging-XXXXXX`);
  const tree = source.kind === "tree" ? source.path : join(staging, "unpacked/<top>");
  const atlantic = join(staging, "tree/drivers/net/ethernet/aquantia/atlantic");
  const moduleDir = join(pkg, DKMS_SRC_SUBDIR);
  const s = kernelSeries(kernelRelease);
  const series = s ? seriesText(s) : "?";
  return [
    source.kind === "tree"
      ? `copy ${join(source.path, "Makefile")} and ${join(source.path, "drivers/net/ethernet/aquantia/atlantic")} to ${join(staging, "tree")}`
      : `tar ${extractArgs(source.path, join(staging, "unpacked")).join(" ")}`,
    `check ${join(tree, "Makefile")}: its Linux version must be ${series}.x`,
    `${patchProgram()} ${patchArgs(atlantic, "<rxpageorder.patch>", true).join(" ")}`,
    `${patchProgram()} ${patchArgs(atlantic, "<rxpageorder.patch>", false).join(" ")}`,
    `write ${join(pkg, "dkms.conf")} (move the patched driver to ${moduleDir})`,
    `make ${makeArgs(headers, moduleDir, jobs).join(" ")}`,
    `modinfo -F vermagic ${join(moduleDir, "atlantic.ko")}`,
    `copy ${join(moduleDir, "atlantic.ko")} to ${join(outDir, "atlantic.ko")}`,
    `remove ${tmp}`,
  ];
}

/**
 * Same series is required; a different patch level builds too, but the closer the better. Debian 6.1
 * releases ("6.1.0-56-amd64") carry an ABI number, not the patch level, so they get no note.
 */
export function patchLevelNote(kernelRelease: string, sourceSublevel: number): string | null {
  const m = /^\d+\.\d+\.(\d+)/.exec(kernelRelease);
  const sub = m ? Number(m[1]) : 0;
  if (sub === 0 || sub === sourceSublevel) return null;
  return `note: the source is patch level ${sourceSublevel}, the kernel ${sub}; same series, so it builds, but the source of the kernel's own release is the closest match`;
}

function lastLines(text: string, n: number): string {
  return text.trim().split("\n").slice(-n).join(" | ");
}

/** Patch and build; leaves atlantic.ko in outDir. Throws UserError with what to do. */
export async function buildAtlantic(o: BuildOptions): Promise<BuildResult | null> {
  const now = o.clock ?? Date.now;
  const jobs = o.jobs ?? availableParallelism();
  const headers = headersDir(o.kernelRelease);
  if (o.download && o.source === undefined) {
    const version = upstreamRelease(o.kernelRelease);
    if (!version)
      throw new UserError(
        `the name ${o.kernelRelease} does not say which upstream release to download`,
        "give the source with --source (Debian: sudo apt install linux-source-X.Y)",
      );
    if (o.dryRun) {
      const urls = kernelOrgUrls(version);
      o.progress(
        `download ${urls.sums} and ${urls.tarball} to ${o.download.cacheDir}, keep it only if its sha256 matches`,
      );
      o.progress(`then build from ${join(o.download.cacheDir, `linux-${version}.tar.xz`)} as below`);
    } else {
      o.source = await downloadKernelOrg({
        version,
        destDir: o.download.cacheDir,
        progress: o.progress,
        ...(o.download.fetch ? { fetch: o.download.fetch } : {}),
      });
    }
  }
  const source =
    o.dryRun && o.download && o.source === undefined
      ? ({
          kind: "tarball",
          path: join(o.download.cacheDir, `linux-${upstreamRelease(o.kernelRelease)}.tar.xz`),
          series: null,
        } as const)
      : findAtlanticSource(o.kernelRelease, o.source);
  if (o.dryRun) {
    for (const line of buildPlan(o.kernelRelease, source, headers, o.outDir, jobs)) o.progress(line);
    return null;
  }
  o.progress(`kernel ${o.kernelRelease}: headers ${headers}`);
  o.progress(`source ${sourceLine(source)}`);
  const tmp = mkdtempSync(join(tmpdir(), "tenbolt-build-"));
  try {
    const t0 = now();
    o.progress("extracting atlantic and applying the rxpageorder patch");
    let pkg: DkmsPackage;
    try {
      pkg = await prepareDkmsSource({
        source: source.path,
        kernelRelease: o.kernelRelease,
        destRoot: tmp,
        tenboltVersion: VERSION,
        runner: o.runner,
      });
    } catch (e) {
      if (e instanceof SourceRefused) throw new UserError(e.message, e.hint);
      if (e instanceof PatchDoesNotApply)
        throw new UserError(
          e.message,
          "this kernel's atlantic differs from the versions Tenbolt knows (6.1 to 6.12)",
        );
      throw e;
    }
    const t1 = now();
    const note = patchLevelNote(o.kernelRelease, pkg.sourceVersion.sublevel);
    if (note) o.progress(note);
    const moduleDir = join(pkg.dir, DKMS_SRC_SUBDIR);
    o.progress(`patched Linux ${versionText(pkg.sourceVersion)} atlantic; compiling (make -j${jobs})`);
    const args = makeArgs(headers, moduleDir, jobs);
    const r = await o.runner.run("make", args, { timeoutMs: 20 * 60_000 });
    const t2 = now();
    if (r.code !== 0) {
      mkdirSync(o.outDir, { recursive: true });
      const log = join(o.outDir, "atlantic-build.log");
      writeFileSync(log, `$ make ${args.join(" ")}\n${r.stdout}\n${r.stderr}`);
      const why = r.spawnError
        ? "make could not be started"
        : r.timedOut
          ? "timed out"
          : lastLines(r.stderr, 2);
      throw new UserError(
        `building atlantic for ${o.kernelRelease} failed: ${why}`,
        r.spawnError
          ? "install the build tools: sudo apt install build-essential"
          : `the full compiler output is in ${log}`,
      );
    }
    const built = join(moduleDir, "atlantic.ko");
    const info = await o.runner.run("modinfo", ["-F", "vermagic", built]);
    const vermagic = info.stdout.trim();
    if (info.code !== 0 || !vermagic.startsWith(`${o.kernelRelease} `))
      throw new UserError(
        `the built module does not say it is for ${o.kernelRelease} (vermagic "${vermagic}")`,
        "check that /lib/modules/KVER/build belongs to that kernel",
      );
    mkdirSync(o.outDir, { recursive: true });
    const out = join(o.outDir, "atlantic.ko");
    copyFileSync(built, out);
    const seconds = { prepare: (t1 - t0) / 1000, compile: (t2 - t1) / 1000 };
    o.progress(
      `wrote ${out} (vermagic ${vermagic}; prepare ${seconds.prepare.toFixed(1)} s, compile ${seconds.compile.toFixed(1)} s)`,
    );
    return { module: out, vermagic, sourceVersion: versionText(pkg.sourceVersion), seconds };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
