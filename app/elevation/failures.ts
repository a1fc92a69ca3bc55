// What went wrong when asking for root, told apart so each case gets its own message: the prompt
// was cancelled, the user may not do this, there is no polkit agent to ask, or the helper is missing.
import type { RunResult } from "../system/runner.js";
import { UserError } from "../errors.js";

export type ElevationFailure = "cancelled" | "not-authorized" | "no-agent" | "helper-missing" | "no-pkexec";

/**
 * pkexec(1): 126 when the authentication dialog was dismissed, 127 when not authorized, when
 * authorization could not be obtained (no agent) or on an error; anything else is the program's own status.
 */
export function classifyPkexec(r: RunResult): ElevationFailure | null {
  if (r.spawnError) return r.spawnError.code === "ENOENT" ? "no-pkexec" : "not-authorized";
  if (r.code === 126) return "cancelled";
  if (r.code !== 127) return null;
  const text = r.stderr;
  if (/No authentication agent|no polkit authentication agent|no session for cookie/i.test(text))
    return "no-agent";
  if (/Cannot run program|No such file or directory|is not executable/i.test(text)) return "helper-missing";
  if (/Not authorized|dismissed|not authorised/i.test(text)) return "not-authorized";
  return "not-authorized";
}

/** @vscode/sudo-prompt's error texts (its own constants). */
export function classifySudoPrompt(message: string): ElevationFailure {
  if (/User did not grant permission/i.test(message)) return "cancelled";
  if (/No polkit authentication agent found/i.test(message)) return "no-agent";
  return "not-authorized";
}

const MESSAGES: Record<ElevationFailure, [string, string]> = {
  cancelled: [
    "the password prompt was cancelled; nothing was changed",
    "run the command again and enter your password",
  ],
  "not-authorized": [
    "not authorized: the system refused administrator rights for this action; nothing was changed",
    "use an account that may administer this computer (group sudo or wheel)",
  ],
  "no-agent": [
    "no polkit authentication agent is running, so nobody can ask for your password",
    "run it from a desktop session, or in a terminal start `pkttyagent --process $$` first, or use sudo",
  ],
  "helper-missing": [
    "the Tenbolt root helper is not installed at /usr/lib/tenbolt/tenbolt-helper",
    "run `tenbolt driver status` once to install it, or reinstall the Tenbolt package",
  ],
  "no-pkexec": [
    "pkexec is not installed",
    "install polkit (Debian/Ubuntu: pkexec or policykit-1; Fedora: polkit)",
  ],
};

export function elevationError(f: ElevationFailure): UserError {
  const [message, hint] = MESSAGES[f];
  return new UserError(message, hint);
}
