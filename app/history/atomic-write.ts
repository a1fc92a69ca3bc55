// Crash-safe file creation: write a temporary file in the same directory, fsync it, rename it into place,
// fsync the directory. A crash leaves either the complete new file or a stray temporary file (which readers
// ignore), never a torn file, and never touches any other file.
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";

/** Temporary files start with a dot and end in .tmp, so listings skip them. */
export function isTempName(name: string): boolean {
  return name.startsWith(".") || name.endsWith(".tmp");
}

export function writeFileAtomic(dir: string, name: string, data: string, mode = 0o600): string {
  const final = join(dir, name);
  const tmp = join(dir, `.${name}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  let fd: number | null = openSync(tmp, "wx", mode);
  try {
    const buf = Buffer.from(data, "utf8");
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(tmp, final);
  } catch (e) {
    if (fd !== null) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // Already renamed or never created.
    }
    throw e;
  }
  syncDir(dir);
  return final;
}

/** Makes the rename durable. Some file systems refuse fsync on a directory; the rename itself stands. */
function syncDir(dir: string) {
  let fd: number | null = null;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // EINVAL/EISDIR on file systems without directory fsync.
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
