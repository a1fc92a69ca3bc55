// Refuses a --root that cannot be a Linux root before any reading starts: reading a wrong
// directory would silently report "no adapter".
import { statSync } from "node:fs";
import { UsageError } from "../errors.js";

export function checkRoot(root: string): void {
  let st;
  try {
    st = statSync(root);
  } catch {
    throw new UsageError(
      `root ${root} does not exist`,
      "pass --root a directory holding a captured tree (with sys/ and proc/), or leave it out to read this machine",
    );
  }
  if (!st.isDirectory()) {
    throw new UsageError(
      `root ${root} is not a directory`,
      "pass --root the folder of a captured tree (the one holding sys/ and proc/), not a file inside it",
    );
  }
  const has = (d: string) => {
    try {
      return statSync(`${root}/${d}`).isDirectory();
    } catch {
      return false;
    }
  };
  if (!has("sys") && !has("proc")) {
    throw new UsageError(
      `root ${root} has neither sys/ nor proc/`,
      "pass --root the top of a captured tree (made by 'tenbolt capture'), or leave it out to read this machine",
    );
  }
}
