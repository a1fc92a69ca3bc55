// Crash-safe file operations: every write goes to a temporary file in the same directory, is
// fsynced, renamed over the target, and the directory is fsynced, so a power cut leaves either the
// old or the new bytes, never a mix.
import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";

function fsyncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function ensureDir(dir: string, mode = 0o755): void {
  mkdirSync(dir, { recursive: true, mode });
}

/** Writes `data` to `file` atomically (temp + fsync + rename + fsync of the directory). */
export function atomicWrite(file: string, data: string | Buffer, mode = 0o644): void {
  const dir = dirname(file);
  ensureDir(dir);
  const tmp = join(dir, `.${basename(file)}.tenbolt-tmp-${process.pid}`);
  const fd = openSync(tmp, "w", mode);
  try {
    const buf = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  fsyncDir(dir);
}

/** Copies a (possibly large) file to `to` crash-safely; used to back up an initramfs before regenerating it. */
export function atomicCopy(from: string, to: string): void {
  const dir = dirname(to);
  ensureDir(dir, 0o700);
  const tmp = join(dir, `.${basename(to)}.tenbolt-tmp-${process.pid}`);
  copyFileSync(from, tmp);
  const fd = openSync(tmp, "r+");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, to);
  fsyncDir(dir);
}

export function removeFile(file: string): void {
  if (!existsSync(file)) return;
  rmSync(file, { force: true });
  fsyncDir(dirname(file));
}

export function readIfExists(file: string): Buffer | null {
  try {
    return readFileSync(file);
  } catch {
    return null;
  }
}

export function readText(file: string): string | null {
  const b = readIfExists(file);
  return b === null ? null : b.toString("utf8").trim();
}

export function fileMode(file: string): number | null {
  try {
    return statSync(file).mode & 0o7777;
  } catch {
    return null;
  }
}
