// Applies Tenbolt's rxpageorder patch (driver/patch/rxpageorder.patch) to an atlantic source directory,
// all or nothing: GNU patch first checks every hunk of every file with --dry-run and zero fuzz, and
// only if all of them match does the real run touch a file. A tree it does not recognise is left as
// it was and the error names the file and hunk that did not match.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describeFailure, type HelperRunner } from "./runner.js";

export const PATCH_FILE_NAME = "rxpageorder.patch";

/** The directory inside a kernel tree that holds the driver. */
export const ATLANTIC_SUBDIR = "drivers/net/ethernet/aquantia/atlantic";

/** Files the patch touches: a copy of the driver without them is not a driver tree. */
export const PATCHED_FILES = ["aq_nic.c", "aq_nic.h", "aq_ring.c"] as const;

const PATCH_PROGRAMS = ["/usr/bin/patch", "/bin/patch"];

/**
 * Where the patch file is: next to the installed helper (/usr/lib/tenbolt/rxpageorder.patch), or in the
 * repository (driver/patch/) when running from a checkout, whether from dist/ or from the sources.
 */
export function defaultPatchFile(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    join(here, PATCH_FILE_NAME),
    join(here, "..", "patch", PATCH_FILE_NAME),
    join(here, "..", "..", "..", "driver", "patch", PATCH_FILE_NAME),
  ];
  const found = candidates.find((c) => existsSync(c));
  if (!found)
    throw new Error(`the driver patch ${PATCH_FILE_NAME} is missing (looked in ${candidates.join(", ")})`);
  return found;
}

export function patchProgram(): string {
  return PATCH_PROGRAMS.find((p) => existsSync(p)) ?? (PATCH_PROGRAMS[0] as string);
}

/** argv of patch(1); --dry-run for the check. -F0: no fuzz, -N: an already patched tree is an error. */
export function patchArgs(dir: string, patchFile: string, dryRun: boolean): string[] {
  return [
    ...(dryRun ? ["--dry-run"] : []),
    "--batch",
    "--forward",
    "--fuzz=0",
    "--no-backup-if-mismatch",
    "--reject-file=-",
    "-p1",
    "-d",
    dir,
    "-i",
    patchFile,
  ];
}

/** Raised when the patch does not fit; nothing has been changed. */
export class PatchDoesNotApply extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PatchDoesNotApply";
  }
}

/** Turns patch's --dry-run output into one line: which file, which hunk, or "already patched". */
export function summarisePatchFailure(output: string): string {
  if (/Reversed \(or previously applied\) patch detected/.test(output))
    return "it already contains the change (an atlantic that was patched before)";
  const problems: string[] = [];
  let file = "";
  for (const line of output.split("\n")) {
    const checking = /^checking file (\S+)/.exec(line) ?? /^patching file (\S+)/.exec(line);
    if (checking) file = checking[1] as string;
    const missing = /can't find file to patch/.exec(line);
    if (missing) problems.push(`a file is missing`);
    const hunk = /^Hunk #(\d+) FAILED/.exec(line);
    if (hunk) problems.push(`${file}: hunk ${hunk[1]} does not match`);
    const nofile = /^No file to patch\.\s+Skipping/.exec(line);
    if (nofile) problems.push(`${file || "a patched file"} is missing`);
  }
  return problems.length > 0
    ? [...new Set(problems)].join("; ")
    : output.trim().split("\n").slice(-2).join(" | ");
}

/**
 * Checks the whole patch against `dir` (an atlantic directory), then applies it. Throws
 * PatchDoesNotApply with nothing changed when any hunk does not match.
 */
export async function applyRxPageOrderPatch(
  dir: string,
  runner: HelperRunner,
  patchFile: string = defaultPatchFile(),
): Promise<void> {
  const missing = PATCHED_FILES.filter((f) => !existsSync(join(dir, f)));
  if (missing.length > 0)
    throw new PatchDoesNotApply(`${dir} is not an atlantic driver source: ${missing.join(", ")} missing`);
  const program = patchProgram();
  const check = await runner.run(program, patchArgs(dir, patchFile, true), { timeoutMs: 60_000 });
  if (check.spawnError) throw new Error(describeFailure([program], check));
  if (check.code !== 0)
    throw new PatchDoesNotApply(
      `the rxpageorder patch does not fit this atlantic source, so nothing was changed: ${summarisePatchFailure(check.stdout + check.stderr)}`,
    );
  const apply = await runner.run(program, patchArgs(dir, patchFile, false), { timeoutMs: 60_000 });
  if (apply.code !== 0)
    throw new Error(describeFailure([program, ...patchArgs(dir, patchFile, false)], apply));
}
