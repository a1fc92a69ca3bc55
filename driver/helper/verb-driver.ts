// install-driver and uninstall-driver: the patched atlantic in and out through DKMS, with the
// stock module left on disk as the fallback and every step journaled with its undo.
import { renameSync, rmSync } from "node:fs";
import { checkKernelRelease } from "./args.js";
import { sourcePathProblem } from "./checks.js";
import { HelperError, type VerbContext } from "./context.js";
import { atomicWrite, readIfExists, removeFile } from "./fsutil.js";
import { carriesAtlantic, initramfsImage, regenerate } from "./initramfs.js";
import type { Journal, UndoAction } from "./journal.js";
import { reloadAtlantic } from "./module-reload.js";
import { PATHS } from "./paths.js";
import { keyState, MOK_EXPLANATION, readSigningState } from "./secureboot.js";
import { readState, stateText, type FileBefore, type HelperState } from "./state.js";
import type { System } from "./system.js";
import { HELPER_VERSION } from "./version.js";

const DKMS_ID = /^[a-z0-9][a-z0-9_.+-]{0,63}$/;

function targetKernel(sys: System, given: string | undefined): { kernel: string; running: string | null } {
  const running = sys.kernelRelease();
  const kernel = given ?? running;
  if (!kernel)
    throw new HelperError("cannot read the running kernel release", "no-kernel", "pass --kernel KVER");
  return { kernel: checkKernelRelease(kernel), running };
}

/** Debian/Ubuntu source packages: /usr/src/linux-source-X.Y(.tar.xz|.tar.bz2|/). */
export function defaultSource(sys: System, kernel: string): string | null {
  const m = /^(\d+\.\d+)/.exec(kernel);
  if (!m) return null;
  const base = `${PATHS.srcDir}/linux-source-${m[1]}`;
  return [`${base}.tar.xz`, `${base}.tar.bz2`, base].find((p) => sys.exists(p)) ?? null;
}

async function requireTrustedSigningKey(sys: System): Promise<void> {
  const signing = readSigningState(sys);
  if (!signing.signatureRequired) return;
  const key = await keyState(sys);
  if (key.state === "enrolled") return;
  const why =
    key.state === "pending-reboot"
      ? "the DKMS key is waiting for enrollment: reboot and confirm it in MokManager first"
      : key.state === "unknown"
        ? "cannot tell whether the DKMS key is enrolled (install mokutil)"
        : "the DKMS signing key is not enrolled, so the kernel would refuse the module";
  throw new HelperError(`Secure Boot/lockdown is active and ${why}`, "mok-required", MOK_EXPLANATION);
}

async function initramfsStep(ctx: VerbContext, j: Journal, kernel: string): Promise<void> {
  const { sys } = ctx;
  const image = initramfsImage(sys, kernel);
  if (image === null) {
    j.note(`no initramfs image for ${kernel}: nothing to regenerate`);
    return;
  }
  const carries = await carriesAtlantic(sys, image);
  if (carries === false) {
    j.note(`${image} does not carry atlantic: not regenerated`);
    return;
  }
  await j.step(
    "initramfs",
    `regenerate ${image} so early boot loads the same atlantic`,
    [j.fileUndo(image)],
    async () => {
      if (!(await regenerate(sys, kernel)))
        j.note("no update-initramfs or dracut found: initramfs left as is");
    },
  );
}

async function recordState(ctx: VerbContext, j: Journal, next: HelperState): Promise<void> {
  await j.step("record-state", `record the result in ${PATHS.state}`, [j.fileUndo(PATHS.state)], () =>
    atomicWrite(ctx.sys.path(PATHS.state), stateText(next), 0o644),
  );
}

export async function installDriver(
  ctx: VerbContext,
  j: Journal,
  opts: { kernel?: string; source?: string },
) {
  const { sys } = ctx;
  const { kernel, running } = targetKernel(sys, opts.kernel);
  if (!sys.exists(`/lib/modules/${kernel}/build`))
    throw new HelperError(
      `the headers of kernel ${kernel} are not installed`,
      "no-headers",
      `install linux-headers-${kernel} (Fedora: kernel-devel-${kernel})`,
    );
  if (!sys.hasTool("dkms"))
    throw new HelperError("dkms is not installed", "no-dkms", "install the dkms package");
  const source = opts.source ?? defaultSource(sys, kernel);
  if (source === null)
    throw new HelperError(
      `no kernel source for ${kernel} under ${PATHS.srcDir}`,
      "no-source",
      `install linux-source-${/^(\d+\.\d+)/.exec(kernel)?.[1] ?? "X.Y"} or pass --source`,
    );
  const problem = sourcePathProblem(sys, source);
  if (problem) throw new HelperError(`refusing to build from ${source}: ${problem}`, "unsafe-source");
  await requireTrustedSigningKey(sys);
  const state = readState(sys);

  // Every folder this run creates is named here, before it exists, and its undo removes exactly that
  // name: never "whatever is new under /usr/src" (a zfs or nvidia tree apt adds meanwhile survives).
  const staging = `${PATHS.srcDir}/.tenbolt-staging-${j.record.id}`;
  const staged = await j.step(
    "prepare-source",
    `extract atlantic from ${source} and apply the rxpageorder patch in ${staging}`,
    [{ kind: "remove-tree", path: staging }],
    () =>
      ctx.deps.prepareDkmsSource({
        source: sys.path(source),
        kernelRelease: kernel,
        staging: sys.path(staging),
        tenboltVersion: HELPER_VERSION,
        runner: sys.runner,
      }),
  );
  const pkg = { name: staged.name, version: staged.version };
  if (!DKMS_ID.test(pkg.name) || !DKMS_ID.test(pkg.version))
    throw new Error(`unexpected DKMS package name ${pkg.name}/${pkg.version}`);
  const dest = `${PATHS.srcDir}/${pkg.name}-${pkg.version}`;
  const stagedPkg = `${staging}/pkg`;
  if (staged.dir !== sys.path(stagedPkg)) throw new Error(`the package was staged outside ${staging}`);
  await j.step(
    "place-source",
    `move the package into ${dest}${sys.exists(dest) ? " (replacing the one of the same version)" : ""}`,
    [sys.exists(dest) ? j.treeUndo(dest) : { kind: "remove-tree", path: dest }],
    () => {
      rmSync(sys.path(dest), { recursive: true, force: true });
      renameSync(sys.path(stagedPkg), sys.path(dest));
      rmSync(sys.path(staging), { recursive: true, force: true });
    },
  );
  const mv = ["-m", pkg.name, "-v", pkg.version];
  j.note(`DKMS package ${pkg.name}/${pkg.version} for ${kernel}`);

  const status = await sys.tryRun("dkms", ["status", ...mv]);
  if (status.stdout.trim() === "") {
    await j.step(
      "dkms-add",
      `dkms add ${pkg.name}/${pkg.version}`,
      [{ kind: "run", tool: "dkms", args: ["remove", ...mv, "--all"], bestEffort: true }],
      () => sys.run("dkms", ["add", ...mv]),
    );
  }
  const removeForKernel: UndoAction = {
    kind: "run",
    tool: "dkms",
    args: ["remove", ...mv, "-k", kernel],
    bestEffort: true,
  };
  await j.step("dkms-build", `build the patched atlantic for ${kernel}`, [removeForKernel], () =>
    sys.run("dkms", ["build", ...mv, "-k", kernel]),
  );
  // Neither atlantic has MODULE_VERSION, so dkms 3.0.10 refuses to replace the in-tree one without the override.
  await j.step(
    "dkms-install",
    `install it to /lib/modules/${kernel}/updates/dkms (the stock module stays in kernel/)`,
    [removeForKernel],
    () => sys.run("dkms", ["install", ...mv, "-k", kernel, "--force-version-override"]),
  );
  await j.step(
    "depmod",
    `depmod -a ${kernel} (updates/ wins over kernel/)`,
    [{ kind: "run", tool: "depmod", args: ["-a", kernel], bestEffort: true }],
    () => sys.run("depmod", ["-a", kernel]),
  );
  await initramfsStep(ctx, j, kernel);
  if (kernel === running && sys.moduleLoaded()) await reloadAtlantic(ctx, j, { patched: true });
  else
    j.note(
      `atlantic not reloaded (${kernel === running ? "not loaded now" : `${kernel} is not the running kernel`}): the patched module loads at its next load`,
    );

  await recordState(ctx, j, {
    ...state,
    drivers: {
      ...state.drivers,
      [kernel]: {
        name: pkg.name,
        version: pkg.version,
        installedAt: new Date(sys.clock.now()).toISOString(),
      },
    },
  });
  return { name: pkg.name, version: pkg.version, kernel };
}

/** Tenbolt's files as they were before its first preset (or absent), for the last uninstall. */
function filesBeforeTenbolt(state: HelperState): { modprobeConf: FileBefore; udevRule: FileBefore } {
  const first = Object.values(state.presets).sort((a, b) => a.appliedAt.localeCompare(b.appliedAt))[0];
  const absent: FileBefore = { content: null, mode: null };
  return first ? first.before : { modprobeConf: absent, udevRule: absent };
}

async function restoreFile(
  j: Journal,
  sys: System,
  name: string,
  path: string,
  f: FileBefore,
): Promise<void> {
  const want = f.content === null ? null : Buffer.from(f.content, "base64");
  const have = readIfExists(sys.path(path));
  if (want === null ? have === null : have !== null && have.equals(want)) return;
  await j.step(
    name,
    want === null ? `remove ${path}` : `restore ${path} as it was before Tenbolt`,
    [j.fileUndo(path)],
    () => {
      if (want === null) removeFile(sys.path(path));
      else atomicWrite(sys.path(path), want, f.mode ?? 0o644);
    },
  );
}

export async function uninstallDriver(ctx: VerbContext, j: Journal, opts: { kernel?: string }) {
  const { sys } = ctx;
  const state = readState(sys);
  const { kernel, running } = targetKernel(sys, opts.kernel);
  const driver = state.drivers[kernel];
  if (!driver) {
    j.note(`no Tenbolt driver recorded for ${kernel}: nothing to uninstall`);
    return { removed: false, kernel };
  }
  const others = Object.entries(state.drivers).filter(([k]) => k !== kernel);
  // The package (one per kernel series) is removed entirely when no other kernel uses it.
  const lastOfPackage = !others.some(([, d]) => d.name === driver.name && d.version === driver.version);
  const lastOverall = others.length === 0;
  const mv = ["-m", driver.name, "-v", driver.version];
  const reinstall: UndoAction[] = [
    { kind: "run", tool: "dkms", args: ["add", ...mv], bestEffort: true },
    {
      kind: "run",
      tool: "dkms",
      args: ["install", ...mv, "-k", kernel, "--force-version-override"],
      bestEffort: false,
    },
  ];

  if (lastOverall) {
    // The stock atlantic has no rxpageorder: Tenbolt's files go back to how they were before it.
    const before = filesBeforeTenbolt(state);
    await restoreFile(j, sys, "modprobe-conf", PATHS.modprobeConf, before.modprobeConf);
    await restoreFile(j, sys, "udev-rule", PATHS.udevRule, before.udevRule);
  }
  await j.step(
    "dkms-remove",
    `dkms remove ${driver.name}/${driver.version} ${lastOfPackage ? "--all" : `-k ${kernel}`}`,
    reinstall,
    () => sys.run("dkms", ["remove", ...mv, ...(lastOfPackage ? ["--all"] : ["-k", kernel])]),
  );
  const srcDir = `${PATHS.srcDir}/${driver.name}-${driver.version}`;
  if (lastOfPackage && sys.exists(srcDir)) {
    // Moved aside in the same directory (same file system), deleted only once everything worked.
    const aside = `${PATHS.srcDir}/.tenbolt-removed-${j.record.id}`;
    await j.step(
      "move-source-aside",
      `remove ${srcDir}`,
      [{ kind: "move-back", from: aside, to: srcDir }],
      () => renameSync(sys.path(srcDir), sys.path(aside)),
    );
    j.onCommit(() => rmSync(sys.path(aside), { recursive: true, force: true }));
  }
  await j.step("depmod", `depmod -a ${kernel} (the stock module in kernel/ is found again)`, [], () =>
    sys.run("depmod", ["-a", kernel]),
  );
  await initramfsStep(ctx, j, kernel);
  if (kernel === running && sys.moduleLoaded()) await reloadAtlantic(ctx, j, { patched: false });
  const drivers = Object.fromEntries(others);
  await recordState(ctx, j, { ...state, drivers, presets: lastOverall ? {} : state.presets });
  return { removed: true, kernel };
}
