// Reads a Linux root filesystem (the live "/" or a captured tree) without ever leaving it:
// symlinks are resolved component by component inside the root, absolute targets are re-rooted,
// and ".." stops at the root. Every read is optionally recorded so that `tenbolt capture` can copy
// exactly what detection looked at.
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
} from "node:fs";
import { join, posix } from "node:path";

/** What a reader touched, in root-relative absolute form ("/sys/..."). */
export interface AccessTrace {
  files: Set<string>;
  links: Map<string, string>;
  dirs: Set<string>;
  /** Paths only checked for existence (a directory or file that must exist in a capture). */
  present: Set<string>;
}

export function newTrace(): AccessTrace {
  return { files: new Set(), links: new Map(), dirs: new Set(), present: new Set() };
}

const MAX_LINK_HOPS = 40;
/** A path's kind in the lookup cache: a symlink is stored as its target. */
const PLAIN = Symbol("plain");
const MISSING = Symbol("missing");
type Entry = string | typeof PLAIN | typeof MISSING;
/** Attributes in sysfs are tiny; anything bigger is not what we expect, so cap it. */
const MAX_READ_BYTES = 1 << 20;

export class SysRoot {
  constructor(
    readonly root: string,
    readonly trace?: AccessTrace,
  ) {}

  /**
   * lstat/readlink results by canonical in-root path. Detection reads ~10 attributes per directory,
   * each resolved component by component; caching the lookups cuts the syscalls several-fold.
   * A SysRoot is one snapshot: the cache lives as long as the instance.
   */
  private readonly entries = new Map<string, Entry>();

  private entry(candidate: string): Entry {
    const cached = this.entries.get(candidate);
    if (cached !== undefined) return cached;
    let e: Entry;
    try {
      const st = lstatSync(this.hostPath(candidate));
      e = st.isSymbolicLink() ? readlinkSync(this.hostPath(candidate)) : PLAIN;
    } catch {
      e = MISSING;
    }
    this.entries.set(candidate, e);
    return e;
  }

  /** Host path of an in-root absolute path, without following any link. */
  hostPath(p: string): string {
    return join(this.root, posix.normalize("/" + p));
  }

  /**
   * Resolves every symlink in `p` inside the root. Returns the canonical in-root path, or null when
   * a component is missing or the link chain is too long. The last component need not exist.
   */
  resolve(p: string): string | null {
    return this.walk(posix.normalize("/" + p), false, 0);
  }

  /** Canonical results by input path; directories repeat across attributes, so most lookups hit. */
  private readonly walked = new Map<string, string | null>();

  /**
   * `norm` is normalized and absolute. The parent is resolved first (it must exist), then the last
   * component: a symlink target is joined to the canonical parent, so ".." in it is physical, and
   * normalizing an absolute path cannot climb above the root.
   */
  private walk(norm: string, mustExist: boolean, hops: number): string | null {
    if (norm === "/") return "/";
    const key = (mustExist ? "d" : "f") + norm;
    const hit = this.walked.get(key);
    if (hit !== undefined) return hit;
    const parent = this.walk(posix.dirname(norm), true, hops);
    let out: string | null = null;
    if (parent !== null) {
      const candidate = posix.join(parent, posix.basename(norm));
      const entry = this.entry(candidate);
      if (entry === MISSING) out = mustExist ? null : candidate;
      else if (entry === PLAIN) out = candidate;
      else if (hops < MAX_LINK_HOPS) {
        this.trace?.links.set(candidate, entry);
        const next = entry.startsWith("/")
          ? posix.normalize(entry)
          : posix.normalize(posix.join(parent, entry));
        out = this.walk(next, mustExist, hops + 1);
      }
    }
    this.walked.set(key, out);
    return out;
  }

  /** The raw target of a symlink (as `readlink` prints it), or null. */
  readLink(p: string): string | null {
    const parent = this.resolve(posix.dirname(posix.normalize("/" + p)));
    if (parent === null) return null;
    const full = posix.join(parent, posix.basename(p));
    try {
      const target = readlinkSync(this.hostPath(full));
      this.trace?.links.set(full, target);
      return target;
    } catch {
      return null;
    }
  }

  /** Whole file content, or null when missing, unreadable or a directory. */
  readText(p: string): string | null {
    const buf = this.readBytes(p);
    return buf === null ? null : buf.toString("utf8");
  }

  /** Raw bytes of a regular file (binary attributes such as efivars), or null when missing or unreadable. */
  readBytes(p: string): Buffer | null {
    const real = this.resolve(p);
    if (real === null) return null;
    let fd: number | null = null;
    try {
      // Non-blocking open and only regular files: a FIFO or device node in a foreign tree would
      // otherwise block or stream forever.
      fd = openSync(this.hostPath(real), constants.O_RDONLY | constants.O_NONBLOCK);
      if (!fstatSync(fd).isFile()) return null;
      const buf = readFileSync(fd);
      this.trace?.files.add(real);
      return buf.subarray(0, MAX_READ_BYTES);
    } catch {
      return null;
    } finally {
      if (fd !== null) closeSync(fd);
    }
  }

  /** A sysfs attribute: trimmed; null when missing, unreadable, empty or not text. */
  readAttr(p: string): string | null {
    const text = this.readText(p);
    if (text === null) return null;
    const v = text.trim();
    // Binary garbage (NUL or other control characters) is not a value we can trust.
    // eslint-disable-next-line no-control-regex
    if (v === "" || /[\u0000-\u0008\u000e-\u001f\ufffd]/.test(v)) return null;
    return v;
  }

  /** A decimal integer attribute, or null. */
  readInt(p: string): number | null {
    const v = this.readAttr(p);
    if (v === null || !/^-?\d+$/.test(v)) return null;
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : null;
  }

  /** A hexadecimal attribute such as "0x1d6a", as lower-case digits without 0x ("1d6a"), or null. */
  readHexId(p: string, digits = 4): string | null {
    const v = this.readAttr(p);
    if (v === null) return null;
    const m = /^(?:0x)?([0-9a-fA-F]+)$/.exec(v);
    if (!m) return null;
    return (m[1] as string)
      .toLowerCase()
      .padStart(digits, "0")
      .slice(-Math.max(digits, (m[1] as string).length));
  }

  /** Directory entries (sorted), or [] when missing or not a directory. */
  list(p: string): string[] {
    const real = this.resolve(p);
    if (real === null) return [];
    try {
      const names = readdirSync(this.hostPath(real)).sort();
      this.trace?.dirs.add(real);
      return names;
    } catch {
      return [];
    }
  }

  /** True when the path exists (after resolving links inside the root). */
  exists(p: string): boolean {
    const real = this.resolve(p);
    if (real === null) return false;
    try {
      statSync(this.hostPath(real));
      this.trace?.present.add(real);
      return true;
    } catch {
      return false;
    }
  }

  /** True when the path is a directory; recorded as present so a capture keeps it (even empty). */
  isDirectory(p: string): boolean {
    const real = this.resolve(p);
    if (real === null) return false;
    try {
      const dir = statSync(this.hostPath(real)).isDirectory();
      if (dir) this.trace?.present.add(real);
      return dir;
    } catch {
      return false;
    }
  }
}
