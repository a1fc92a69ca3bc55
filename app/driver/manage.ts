// `tenbolt driver install|uninstall|enroll-mok` from the user's side: check what can be checked
// without root (kernel, headers, source, Secure Boot), show every step, then hand the fixed verb to
// the root helper, which journals each step and rolls back on failure.
import type { Runner } from "../system/runner.js";
import { UserError } from "../errors.js";
import { VERSION } from "../version.js";
import type { HelperEvent } from "../elevation/helper-client.js";
import { HELPER_PATH } from "../elevation/paths.js";
import { findAtlanticSource, headersDir } from "./source.js";
import { DKMS_NAME } from "../../driver/helper/dkms-source.js";
import { SOURCE_PREFIXES, PATHS } from "../../driver/helper/paths.js";
import { keyState, MOK_EXPLANATION, readSigningState } from "../../driver/helper/secureboot.js";
import { readState } from "../../driver/helper/state.js";
import { System, realClock } from "../../driver/helper/system.js";

export interface DriverFlowDeps {
  root: string;
  runner: Runner;
  helper: (args: string[], onEvent: (e: HelperEvent) => void) => Promise<HelperEvent>;
  out: (text: string) => void;
  formatEvent: (e: HelperEvent) => string | null;
}

export interface DriverPlan {
  kernel: string;
  helperArgs: string[];
  steps: string[];
  /** Why it would fail now (e.g. Secure Boot key not enrolled), or null. */
  blocker: { message: string; hint: string } | null;
}

function runningKernel(sys: System): string {
  const k = sys.kernelRelease();
  if (!k) throw new UserError("cannot read the running kernel release", "pass --kernel KVER");
  return k;
}

export async function planInstall(
  root: string,
  runner: Runner,
  kernel?: string,
  source?: string,
): Promise<DriverPlan> {
  const sys = new System(root, runner, realClock);
  const k = kernel ?? runningKernel(sys);
  headersDir(k, root);
  const src = findAtlanticSource(k, source, root);
  if (!SOURCE_PREFIXES.some((p) => src.path.startsWith(p)))
    throw new UserError(
      `the root helper builds only from sources under ${SOURCE_PREFIXES.join(", ")} (root-owned), not ${src.path}`,
      `copy it there as root first (sudo cp -a ${src.path} /usr/src/), or install the distribution's linux-source package`,
    );
  const version = `${VERSION}+k${src.kind === "tree" ? src.version : "<version in the tarball>"}`;
  const mv = `-m ${DKMS_NAME} -v ${version}`;
  const running = sys.kernelRelease() === k;
  const steps = [
    `check that every directory and file of ${src.path} is root-owned and not writable by others`,
    `extract atlantic from ${src.path}, apply the rxpageorder patch, write /usr/src/${DKMS_NAME}-${version}/dkms.conf`,
    `dkms add ${mv}`,
    `dkms build ${mv} -k ${k}`,
    `dkms install ${mv} -k ${k} --force-version-override   (to updates/dkms; the stock module stays in kernel/)`,
    `depmod -a ${k}`,
    `update-initramfs -u -k ${k} (or dracut -f --kver ${k}) if the initramfs carries atlantic; the old image is kept until success`,
    running && sys.moduleLoaded()
      ? "rmmod atlantic; modprobe atlantic (the adapter's links drop for a few seconds; rollback if carrier is not back in 20 s)"
      : "no reload now: the patched module is used from its next load",
    `record the installed package in ${PATHS.state}`,
  ];
  const signing = readSigningState(sys);
  let blocker: DriverPlan["blocker"] = null;
  if (signing.signatureRequired) {
    const key = await keyState(sys);
    if (key.state !== "enrolled")
      blocker = {
        message: `Secure Boot/lockdown is active and the DKMS signing key is ${key.state === "pending-reboot" ? "waiting for enrollment at the next boot" : key.state === "missing" ? "not created yet" : key.state === "unknown" ? "of unknown state (mokutil missing)" : "not enrolled"}`,
        hint: MOK_EXPLANATION,
      };
  }
  return { kernel: k, helperArgs: ["install-driver", "--kernel", k, "--source", src.path], steps, blocker };
}

export function planUninstall(root: string, runner: Runner, kernel?: string): DriverPlan {
  const sys = new System(root, runner, realClock);
  const k = kernel ?? runningKernel(sys);
  const st = readState(sys);
  const d = st.drivers[k];
  if (!d) return { kernel: k, helperArgs: ["uninstall-driver", "--kernel", k], steps: [], blocker: null };
  const others = Object.entries(st.drivers).filter(([kk]) => kk !== k);
  const lastOfPackage = !others.some(([, o]) => o.name === d.name && o.version === d.version);
  const mv = `-m ${d.name} -v ${d.version}`;
  const steps = [
    ...(others.length === 0
      ? [
          `put ${PATHS.modprobeConf} and ${PATHS.udevRule} back as they were before Tenbolt (old bytes kept in the journal)`,
        ]
      : []),
    `dkms remove ${mv} ${lastOfPackage ? "--all" : `-k ${k}`}`,
    ...(lastOfPackage ? [`remove /usr/src/${d.name}-${d.version} (moved aside until the end)`] : []),
    `depmod -a ${k}: the stock atlantic in kernel/ is found again`,
    `update-initramfs -u -k ${k} if the initramfs carries atlantic`,
    sys.kernelRelease() === k && sys.moduleLoaded()
      ? "rmmod atlantic; modprobe atlantic (links drop for a few seconds; rollback if carrier is not back in 20 s)"
      : "no reload now",
    `record in ${PATHS.state}`,
  ];
  return { kernel: k, helperArgs: ["uninstall-driver", "--kernel", k], steps, blocker: null };
}

export function renderDriverPlan(title: string, p: DriverPlan): string {
  return [`${title} for kernel ${p.kernel}:`, ...p.steps.map((s, i) => `  ${i + 1}. ${s}`)].join("\n") + "\n";
}

export async function runDriverPlan(
  title: string,
  p: DriverPlan,
  dryRun: boolean,
  deps: DriverFlowDeps,
): Promise<boolean> {
  if (p.steps.length === 0) {
    deps.out("Tenbolt's driver is not installed: nothing to do\n");
    return false;
  }
  deps.out(renderDriverPlan(title, p));
  if (p.blocker) throw new UserError(p.blocker.message, p.blocker.hint);
  if (dryRun) {
    deps.out(`dry run, nothing changed; would run: pkexec ${HELPER_PATH} ${p.helperArgs.join(" ")}\n`);
    return false;
  }
  const last = await deps.helper(p.helperArgs, (e) => {
    const line = deps.formatEvent(e);
    if (line) deps.out(line + "\n");
  });
  deps.out(`done (journal: ${String(last.journal ?? "none")})\n`);
  return true;
}
