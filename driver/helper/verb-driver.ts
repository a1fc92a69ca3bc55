// install-driver and uninstall-driver: the patched atlantic in and out through DKMS, with the
// stock module left on disk as the fallback and every step journaled with its undo.
import { readdirSync, renameSync, rmSync } from "node:fs";
import { checkKernelRelease } from "./args.js";
import { sourcePathProblem } from "./checks.js";
import { HelperError, type VerbContext } from "./context.js";
import { atomicWrite } from "./fsutil.js";
import { carriesAtlantic, initramfsImage, regenerate } from "./initramfs.js";
import type { Journal, UndoAction } from "./journal.js";
import { reloadAtlantic } from "./module-reload.js";
import { PATHS } from "./paths.js";
import { keyState, MOK_EXPLANATION, readSigningState } from "./secureboot.js";
import { readState, stateText, type HelperState } from "./state.js";
import type { System } from "./system.js";
import { HELPER_VERSION } from "./version.js";
import { DKMS_NAME } from "./dkms-source.js";

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

  let before: string[] = [];
  try {
    before = readdirSync(sys.path(PATHS.srcDir));
  } catch {
    before = [];
  }
  // prepareDkmsSource replaces a package of the same version: keep a copy of every Tenbolt package.
  const ours = before.filter(
    (n) => n.startsWith(`${DKMS_NAME}-`) && sys.exists(`${PATHS.srcDir}/${n}/dkms.conf`),
  );
  const pkg = await j.step(
    "prepare-source",
    `extract atlantic from ${source}, apply the rxpageorder patch, write dkms.conf under ${PATHS.srcDir}`,
    [
      { kind: "remove-new-dkms-trees", dir: PATHS.srcDir, keep: before },
      ...ours.map((n) => j.treeUndo(`${PATHS.srcDir}/${n}`)),
    ],
    () =>
      ctx.deps.prepareDkmsSource({
        source: sys.path(source),
        kernelRelease: kernel,
        destRoot: sys.root,
        tenboltVersion: HELPER_VERSION,
        runner: sys.runner,
      }),
  );
  if (!DKMS_ID.test(pkg.name) || !DKMS_ID.test(pkg.version))
    throw new Error(`unexpected DKMS package name ${pkg.name}/${pkg.version}`);
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

  const kernels =
    state.driver && state.driver.name === pkg.name && state.driver.version === pkg.version
      ? state.driver.kernels
      : [];
  await recordState(ctx, j, {
    ...state,
    driver: {
      name: pkg.name,
      version: pkg.version,
      kernels: [...new Set([...kernels, kernel])].sort(),
      installedAt: new Date(sys.clock.now()).toISOString(),
    },
  });
  return { name: pkg.name, version: pkg.version, kernel };
}

export async function uninstallDriver(ctx: VerbContext, j: Journal, opts: { kernel?: string }) {
  const { sys } = ctx;
  const state = readState(sys);
  const driver = state.driver;
  if (driver === null) {
    j.note("no Tenbolt driver recorded: nothing to uninstall");
    return { removed: false };
  }
  const { kernel, running } = targetKernel(sys, opts.kernel);
  const last = driver.kernels.length === 0 || (driver.kernels.length === 1 && driver.kernels[0] === kernel);
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

  if (last && sys.exists(PATHS.modprobeConf))
    await j.step(
      "remove-modprobe-conf",
      `remove ${PATHS.modprobeConf} (the stock atlantic has no rxpageorder)`,
      [j.fileUndo(PATHS.modprobeConf)],
      () => rmSync(sys.path(PATHS.modprobeConf), { force: true }),
    );
  if (last && sys.exists(PATHS.udevRule))
    await j.step("remove-udev-rule", `remove ${PATHS.udevRule}`, [j.fileUndo(PATHS.udevRule)], () =>
      rmSync(sys.path(PATHS.udevRule), { force: true }),
    );
  await j.step(
    "dkms-remove",
    `dkms remove ${driver.name}/${driver.version} ${last ? "--all" : `-k ${kernel}`}`,
    [...reinstall],
    () => sys.run("dkms", ["remove", ...mv, ...(last ? ["--all"] : ["-k", kernel])]),
  );
  const srcDir = `${PATHS.srcDir}/${driver.name}-${driver.version}`;
  if (last && sys.exists(srcDir)) {
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
  const kernels = driver.kernels.filter((k) => k !== kernel);
  await recordState(ctx, j, {
    ...state,
    driver: last ? null : { ...driver, kernels },
    presets: last ? {} : state.presets,
  });
  return { removed: true, kernel };
}
