// Driver tests need real system tools and packages. Outside CI a missing one skips the test with the
// reason; with CI=true (where .ci/run installs everything) a missing one fails it.
import { accessSync, constants, existsSync } from "node:fs";

export interface Prereq {
  /** What is missing, said as what to install. */
  what: string;
  ok: boolean;
}

export const isCi = process.env.CI === "true";

export function program(path: string, pkg: string): Prereq {
  let ok = false;
  try {
    accessSync(path, constants.X_OK);
    ok = true;
  } catch {
    ok = false;
  }
  return { what: `${path} (apt install ${pkg})`, ok };
}

export function file(path: string, what: string): Prereq {
  return { what, ok: existsSync(path) };
}

export function rootUser(): Prereq {
  return { what: "root (run the driver tests as root)", ok: process.getuid?.() === 0 };
}

/** For `test(name, { skip }, ...)`: false when everything is there or when in CI (then `check` fails). */
export function skipUnless(reqs: Prereq[]): string | false {
  const missing = reqs.filter((r) => !r.ok).map((r) => r.what);
  if (missing.length === 0 || isCi) return false;
  return `missing: ${missing.join(", ")}`;
}

/** First line of a test body: in CI a missing prerequisite is a failure, not a skip. */
export function check(reqs: Prereq[]): void {
  const missing = reqs.filter((r) => !r.ok).map((r) => r.what);
  if (missing.length > 0) throw new Error(`prerequisites missing in CI: ${missing.join(", ")}`);
}
