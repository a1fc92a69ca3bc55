// Builds the DKMS source package of the patched atlantic: takes the driver out of a kernel tree or a
// kernel source tarball, checks that its version is the series of the target kernel, applies the
// rxpageorder patch and writes dkms.conf, into <destRoot>/usr/src/<name>-<version>/. Runs as root in
// the helper, so it imports only node: builtins and files of driver/helper/.
//
// Everything happens in a staging directory next to the destination, which is renamed into place only
// when every step has succeeded: a refused source leaves no trace.
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { join } from "node:path";
import { atomicWrite, ensureDir } from "./fsutil.js";
import { describeFailure, type HelperRunner } from "./runner.js";
import {
  ATLANTIC_SUBDIR,
  applyRxPageOrderPatch,
  defaultPatchFile,
  PATCH_FILE_NAME,
} from "./atlantic-patch.js";
import {
  kernelSeries,
  parseMakefileVersion,
  sameSeries,
  seriesText,
  sourcePackage,
  versionText,
  type SourceVersion,
} from "./kernel-version.js";

export const DKMS_NAME = "tenbolt-atlantic";

/** Subdirectory of the DKMS package holding the driver sources (BUILT_MODULE_LOCATION). */
export const DKMS_SRC_SUBDIR = "src";

const TAR_PROGRAMS = ["/usr/bin/tar", "/bin/tar"];

/** A source Tenbolt refuses, with the one thing to do about it. Nothing was written. */
export class SourceRefused extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = "SourceRefused";
  }
}

export interface PrepareOptions {
  /** A kernel tree (directory with Makefile and drivers/) or a kernel source tarball (.tar, .tar.xz, ...). */
  source: string;
  /** The kernel the package is for (`uname -r` form); its X.Y must equal the source's. */
  kernelRelease: string;
  /** "/" in production; a temporary tree in tests and for `tenbolt driver build`. */
  destRoot: string;
  tenboltVersion: string;
  runner: HelperRunner;
  /** Defaults to the rxpageorder.patch shipped with Tenbolt. */
  patchFile?: string;
}

export interface DkmsPackage {
  name: string;
  version: string;
  /** Host path of <destRoot>/usr/src/<name>-<version>. */
  dir: string;
  sourceVersion: SourceVersion;
}

/**
 * "<tenbolt version>+k<source version>", e.g. "0.1.0+k6.12.117": which Tenbolt patched which kernel
 * source. dkms uses it in paths (/usr/src/NAME-VERSION, /var/lib/dkms/NAME/VERSION), so only
 * [0-9A-Za-z.+~_-] may appear.
 */
export function dkmsVersion(tenboltVersion: string, source: SourceVersion): string {
  const v = `${tenboltVersion}+k${versionText(source)}`;
  if (!/^[0-9A-Za-z][0-9A-Za-z.+~_-]*$/.test(v))
    throw new Error(`unusable DKMS version ${JSON.stringify(v)}`);
  return v;
}

/** The make arguments after `make -C <headers>`: also used by `tenbolt driver build`. */
export function kbuildArgs(moduleDir: string): string[] {
  return [
    `M=${moduleDir}`,
    // Kconfig symbol of the driver, so the build does not depend on the headers' own config choice.
    "CONFIG_AQTION=m",
    // The 6.1 Makefile adds -I$(srctree)/$(src), which points into the headers tree for an external
    // module; this puts the driver's own directory on the include path again (harmless on 6.12).
    `KCFLAGS=-I${moduleDir}`,
    "modules",
  ];
}

/**
 * dkms.conf. No AUTOINSTALL: dkms 3.0.10 fails a kernel package's postinst when an autoinstall build
 * fails or is excluded, and this package holds one kernel series' source, so it must never be tried
 * on another kernel by the kernel hooks. Tenbolt itself notices a new kernel without the module and
 * offers to build the right package for it. BUILD_EXCLUSIVE_KERNEL stops a manual build for another
 * series early with a clear dkms message instead of a compiler error.
 */
export function renderDkmsConf(name: string, version: string, source: SourceVersion, origin: string): string {
  const buildDir = "${dkms_tree}/${PACKAGE_NAME}/${PACKAGE_VERSION}/build/" + DKMS_SRC_SUBDIR;
  const make = ["make -C ${kernel_source_dir}", ...kbuildArgs(buildDir)].join(" ");
  const series = `${source.major}\\.${source.minor}`;
  const originLine = origin.replace(/[^\x20-\x7e]/g, "?");
  return [
    `# Written by Tenbolt: atlantic from Linux ${versionText(source)} with the rxpageorder patch.`,
    `# Source: ${originLine}`,
    `# Not AUTOINSTALL on purpose (see Tenbolt's docs/driver-build.md): a kernel upgrade never runs this build.`,
    `PACKAGE_NAME="${name}"`,
    `PACKAGE_VERSION="${version}"`,
    `BUILT_MODULE_NAME[0]="atlantic"`,
    `BUILT_MODULE_LOCATION[0]="${DKMS_SRC_SUBDIR}"`,
    `DEST_MODULE_LOCATION[0]="/updates/dkms"`,
    `MAKE[0]="${make}"`,
    `CLEAN="make -C \${kernel_source_dir} M=${buildDir} clean"`,
    `BUILD_EXCLUSIVE_KERNEL="^${series}\\."`,
    "",
  ].join("\n");
}

function tarProgram(): string {
  return TAR_PROGRAMS.find((p) => existsSync(p)) ?? (TAR_PROGRAMS[0] as string);
}

/**
 * argv of tar for a source tarball: only the top Makefile (for the version) and the atlantic
 * directory, whatever the top-level directory is called. tar picks the decompressor itself.
 */
export function extractArgs(tarball: string, dest: string): string[] {
  return [
    "-x",
    "-f",
    tarball,
    "-C",
    dest,
    "--no-same-owner",
    "--no-same-permissions",
    "--wildcards",
    "--no-wildcards-match-slash",
    "*/Makefile",
    `*/${ATLANTIC_SUBDIR}`,
  ];
}

/** Copies atlantic + Makefile out of the source into `staging/tree`, returns the tree directory. */
async function stageTree(source: string, staging: string, runner: HelperRunner): Promise<string> {
  const st = statSync(source, { throwIfNoEntry: false });
  if (!st) throw new SourceRefused(`${source} does not exist`, "give a kernel source tree or tarball");
  const tree = join(staging, "tree");
  if (st.isDirectory()) {
    const atlantic = join(source, ATLANTIC_SUBDIR);
    if (!existsSync(join(source, "Makefile")) || !existsSync(atlantic))
      throw new SourceRefused(
        `${source} is not a kernel source tree (no Makefile or no ${ATLANTIC_SUBDIR})`,
        "give the top directory of a kernel tree, or a linux-source tarball",
      );
    cpSync(join(source, "Makefile"), join(tree, "Makefile"));
    cpSync(atlantic, join(tree, ATLANTIC_SUBDIR), { recursive: true, dereference: false });
    return tree;
  }
  const unpacked = join(staging, "unpacked");
  ensureDir(unpacked);
  const tar = tarProgram();
  const args = extractArgs(source, unpacked);
  const r = await runner.run(tar, args, { timeoutMs: 10 * 60_000 });
  if (r.code !== 0)
    throw new SourceRefused(
      `could not read the atlantic driver from ${source}: ${describeFailure([tar, ...args], r)}`,
      "check that it is a complete kernel source tarball (e.g. /usr/src/linux-source-6.12.tar.xz)",
    );
  const tops = readdirSync(unpacked);
  const top = tops.length === 1 ? join(unpacked, tops[0] as string) : null;
  if (!top || !existsSync(join(top, ATLANTIC_SUBDIR)) || !existsSync(join(top, "Makefile")))
    throw new SourceRefused(
      `${source} does not hold one kernel tree with ${ATLANTIC_SUBDIR}`,
      "give a kernel source tarball such as /usr/src/linux-source-6.12.tar.xz",
    );
  return top;
}

/**
 * The staged driver may contain only directories and regular files: a symlink or device node from a
 * crafted tarball must not lead the root helper's patch or dkms build anywhere else.
 */
export function unsafeEntry(dir: string): string | null {
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() && !e.isDirectory()) return join(e.parentPath, e.name);
  }
  return null;
}

/** Fails unless the tree's Makefile version is of the kernel's series. */
export function checkSourceFits(makefile: string, kernelRelease: string, source: string): SourceVersion {
  const series = kernelSeries(kernelRelease);
  if (!series)
    throw new SourceRefused(
      `kernel release ${JSON.stringify(kernelRelease)} has no X.Y version`,
      "give `uname -r`",
    );
  const version = parseMakefileVersion(makefile);
  if (!version)
    throw new SourceRefused(
      `${source}: its Makefile has no VERSION/PATCHLEVEL/SUBLEVEL`,
      "give an unmodified kernel source tree or tarball",
    );
  if (!sameSeries(version, series))
    throw new SourceRefused(
      `${source} is Linux ${versionText(version)}, but kernel ${kernelRelease} needs ${seriesText(series)} sources`,
      `install them with: sudo apt install ${sourcePackage(series)} (or give a ${seriesText(series)} tree with --source)`,
    );
  return version;
}

export interface StageOptions extends Omit<PrepareOptions, "destRoot"> {
  /**
   * Host path of the staging directory, exactly as the caller journaled it (must not exist yet; it is
   * created here and nothing outside it is written). The root helper names it after its journal so
   * that its undo removes exactly this folder and nothing selected by pattern.
   */
  staging: string;
}

/**
 * Stages, checks and patches the driver and writes dkms.conf, all inside `opts.staging`; returns the
 * package folder (<staging>/pkg) for the caller to move into place. A refusal leaves only the staging
 * folder, which the caller removes.
 */
export async function stageDkmsSource(opts: StageOptions): Promise<DkmsPackage> {
  mkdirSync(opts.staging, { mode: 0o755 }); // not recursive: an existing folder is an error, never reused
  const staging = opts.staging;
  const tree = await stageTree(opts.source, staging, opts.runner);
  const version = checkSourceFits(
    readFileSync(join(tree, "Makefile"), "utf8"),
    opts.kernelRelease,
    opts.source,
  );
  const atlantic = join(tree, ATLANTIC_SUBDIR);
  const odd = unsafeEntry(atlantic);
  if (odd)
    throw new SourceRefused(
      `${opts.source}: the driver source contains ${odd.slice(atlantic.length + 1)}, which is not a regular file`,
      "use an unmodified kernel source tree or tarball",
    );
  const patchFile = opts.patchFile ?? defaultPatchFile();
  await applyRxPageOrderPatch(atlantic, opts.runner, patchFile);

  const pkgVersion = dkmsVersion(opts.tenboltVersion, version);
  const pkg = join(staging, "pkg");
  ensureDir(pkg);
  renameSync(atlantic, join(pkg, DKMS_SRC_SUBDIR));
  cpSync(patchFile, join(pkg, PATCH_FILE_NAME)); // for the reader: what was applied (already applied)
  atomicWrite(join(pkg, "dkms.conf"), renderDkmsConf(DKMS_NAME, pkgVersion, version, opts.source));
  return { name: DKMS_NAME, version: pkgVersion, dir: pkg, sourceVersion: version };
}

/**
 * Stages, checks, patches and writes the DKMS package; renames it into <destRoot>/usr/src/ only when
 * everything succeeded. An existing package of the same name and version is replaced. (For
 * `tenbolt driver build` and tests; the root helper stages and places in two journaled steps.)
 */
export async function prepareDkmsSource(opts: PrepareOptions): Promise<DkmsPackage> {
  const usrSrc = join(opts.destRoot, "usr", "src");
  ensureDir(usrSrc);
  const holder = mkdtempSync(join(usrSrc, `.${DKMS_NAME}-staging-`));
  try {
    const pkg = await stageDkmsSource({ ...opts, staging: join(holder, "s") });
    const dir = join(usrSrc, `${pkg.name}-${pkg.version}`);
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    renameSync(pkg.dir, dir);
    return { ...pkg, dir };
  } finally {
    rmSync(holder, { recursive: true, force: true });
  }
}
