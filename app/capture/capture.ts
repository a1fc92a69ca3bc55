// `tenbolt capture`: runs detection with an access trace and copies exactly what it touched (files,
// symlinks with their original relative targets, directories) into a new tree. Detection on the copy
// then reads the same values, which is how users send their machine in a bug report.
import {
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join, posix } from "node:path";
import { UsageError, UserError } from "../errors.js";
import { detect } from "../detect/detect.js";
import type { Detection } from "../detect/report.js";
import { newTrace, type AccessTrace } from "../sysfs/root.js";

export interface CaptureResult {
  out: string;
  files: number;
  links: number;
  dirs: number;
  detection: Detection;
}

/** Refuses an existing non-empty directory or a file: capture never touches anything of the user's. */
export function checkOut(out: string): void {
  let st;
  try {
    st = lstatSync(out);
  } catch {
    return; // does not exist yet: created after detection succeeded
  }
  if (!st.isDirectory())
    throw new UsageError(`--out ${out} exists and is not a directory`, "name a new folder");
  if (readdirSync(out).length > 0) {
    throw new UsageError(
      `--out ${out} already exists and is not empty`,
      "name a new folder (capture never overwrites)",
    );
  }
}

function createOut(out: string): void {
  try {
    mkdirSync(out, { recursive: true });
  } catch (e) {
    throw new UserError(`cannot create ${out}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

export function capture(root: string, out: string): CaptureResult {
  checkOut(out);
  const trace = newTrace();
  const detection = detect(root, trace); // validates root first
  createOut(out);
  const counts = copyTrace(root, trace, out);
  return { out, ...counts, detection };
}

/** Copies the traced paths from `root` to `out` (both host directories). */
export function copyTrace(
  root: string,
  trace: AccessTrace,
  out: string,
): { files: number; links: number; dirs: number } {
  const src = (p: string) => join(root, posix.normalize("/" + p));
  const dst = (p: string) => join(out, posix.normalize("/" + p));
  const dirs = new Set<string>([...trace.dirs]);
  for (const p of trace.present) {
    try {
      if (statSync(src(p)).isDirectory()) dirs.add(p);
    } catch {
      // vanished since detection read it: nothing to keep
    }
  }
  for (const d of dirs) mkdirSync(dst(d), { recursive: true });
  let links = 0;
  for (const [p, target] of trace.links) {
    mkdirSync(posix.dirname(dst(p)), { recursive: true });
    try {
      symlinkSync(target, dst(p));
      links++;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
  }
  let files = 0;
  for (const p of trace.files) {
    let content: Buffer;
    try {
      content = readFileSync(src(p));
    } catch {
      continue; // became unreadable: detection on the copy will see it missing, as it would now
    }
    mkdirSync(posix.dirname(dst(p)), { recursive: true });
    writeFileSync(dst(p), content, { flag: "wx" });
    files++;
  }
  for (const p of trace.present) {
    if (dirs.has(p) || trace.files.has(p)) continue;
    // Checked for existence only: keep an empty placeholder of the same kind.
    mkdirSync(posix.dirname(dst(p)), { recursive: true });
    try {
      writeFileSync(dst(p), "", { flag: "wx" });
    } catch {
      // already there
    }
  }
  return { files, links, dirs: dirs.size };
}
