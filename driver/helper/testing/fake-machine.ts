// A fake Linux machine for the helper's tests: a temporary root laid out like the real one (sysfs
// net and module directories, /usr/src, /boot, /etc) and a fake runner that plays dkms, modprobe,
// ip and ethtool against it, with failures injectable at any command. Not installed with the helper.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative } from "node:path";
import type { HelperRunOptions, HelperRunResult, HelperRunner } from "../runner.js";
import type { Clock } from "../system.js";
import type { PrepareDkmsSource } from "../context.js";

export const KVER = "6.12.117+deb12-amd64";
export const IFACE = "enp99s0";
export const PKG = { name: "tenbolt-atlantic", version: "0.1.0+k6.12.117" };

export interface Call {
  program: string;
  args: string[];
  options?: HelperRunOptions;
}

export class FakeMachine {
  readonly root = mkdtempSync(join(tmpdir(), "tenbolt-helper-"));
  readonly calls: Call[] = [];
  ring = 2048;
  readonly ringMax = 8184;
  dkmsInstalled = false;
  dkmsAdded = false;
  /** The link returns after a flap only when this says so (default: always). */
  linkComesBack: (m: FakeMachine) => boolean = () => true;
  /** Return true to make that command fail with exit 1. */
  failOn: (program: string, args: string[]) => boolean = () => false;
  /** Output of `mokutil --test-key`. */
  mokTestKey = "/var/lib/dkms/mok.pub is already enrolled\n";
  prepareFails: Error | null = null;
  /** Runs while the source is being prepared (e.g. apt adding a foreign DKMS tree meanwhile). */
  duringPrepare: ((m: FakeMachine) => void) | null = null;
  /** The page order the rings were last allocated with (the parameter is read at ring allocation). */
  orderInEffect = 0;
  private nowMs = Date.UTC(2026, 10, 26, 12, 0, 0);

  constructor() {
    this.write("/proc/sys/kernel/osrelease", `${KVER}\n`);
    mkdirSync(this.p(`/lib/modules/${KVER}/build`), { recursive: true });
    for (const t of [
      "/usr/sbin/dkms",
      "/usr/sbin/update-initramfs",
      "/usr/bin/lsinitramfs",
      "/usr/bin/mokutil",
    ])
      this.write(t, "");
    this.write("/usr/src/linux-source-6.12.tar.xz", "not really xz\n");
    this.write(`/boot/initrd.img-${KVER}`, "initramfs with stock atlantic\n");
    this.write("/etc/modprobe.d/other.conf", "options snd_hda_intel power_save=1\n");
    mkdirSync(this.p("/sys/module/atlantic/parameters"), { recursive: true });
    this.write("/sys/module/atlantic/parameters/aq_itr", "65535\n");
    mkdirSync(this.p(`/sys/class/net/${IFACE}/device`), { recursive: true });
    mkdirSync(this.p("/sys/bus/pci/drivers/atlantic"), { recursive: true });
    symlinkSync("../../../../bus/pci/drivers/atlantic", this.p(`/sys/class/net/${IFACE}/device/driver`));
    mkdirSync(this.p("/sys/class/net/lo"), { recursive: true });
    this.setLink(true, true);
  }

  p(inRoot: string): string {
    return join(this.root, inRoot);
  }

  write(inRoot: string, text: string): void {
    mkdirSync(dirname(this.p(inRoot)), { recursive: true });
    writeFileSync(this.p(inRoot), text);
  }

  read(inRoot: string): string | null {
    try {
      return readFileSync(this.p(inRoot), "utf8");
    } catch {
      return null;
    }
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }

  setLink(up: boolean, carrier: boolean): void {
    this.write(`/sys/class/net/${IFACE}/flags`, up ? "0x1003\n" : "0x1002\n");
    this.write(`/sys/class/net/${IFACE}/carrier`, carrier ? "1\n" : "0\n");
  }

  get carrier(): boolean {
    return this.read(`/sys/class/net/${IFACE}/carrier`) === "1\n";
  }

  get patchedLoaded(): boolean {
    return existsSync(this.p("/sys/module/atlantic/parameters/rxpageorder"));
  }

  loadPatched(order = 0): void {
    mkdirSync(this.p("/sys/module/atlantic/parameters"), { recursive: true });
    this.write("/sys/module/atlantic/parameters/rxpageorder", `${order}\n`);
  }

  private flap(): void {
    this.setLink(false, false);
    this.reallocate();
    this.setLink(true, this.linkComesBack(this));
  }

  private reallocate(): void {
    this.orderInEffect = Number(this.read("/sys/module/atlantic/parameters/rxpageorder") ?? 0);
  }

  /** Every regular file below the given in-root directories, path -> bytes (base64). */
  snapshot(dirs: string[]): Record<string, string> {
    const out: Record<string, string> = {};
    const walk = (host: string) => {
      if (!existsSync(host)) return;
      if (!statSync(host).isDirectory()) {
        out[relative(this.root, host)] = readFileSync(host).toString("base64");
        return;
      }
      for (const n of readdirSync(host)) {
        const h = join(host, n);
        if (statSync(h).isDirectory()) walk(h);
        else out[relative(this.root, h)] = readFileSync(h).toString("base64");
      }
    };
    for (const d of dirs) walk(this.p(d));
    return out;
  }

  readonly clock: Clock = {
    now: () => this.nowMs,
    sleep: async (ms) => {
      this.nowMs += ms;
    },
  };

  readonly prepareDkmsSource: PrepareDkmsSource = async (opts) => {
    mkdirSync(opts.staging);
    this.duringPrepare?.(this);
    if (this.prepareFails) throw this.prepareFails;
    const dir = join(opts.staging, "pkg");
    mkdirSync(join(dir, "src"), { recursive: true });
    writeFileSync(join(dir, "dkms.conf"), `PACKAGE_NAME="${PKG.name}"\nPACKAGE_VERSION="${PKG.version}"\n`);
    writeFileSync(join(dir, "src", "aq_ring.c"), "/* patched */\n");
    return { ...PKG, dir };
  };

  readonly runner: HelperRunner = {
    run: async (program, args, options) => {
      this.calls.push({ program, args: [...args], ...(options ? { options } : {}) });
      const ok = (stdout = ""): HelperRunResult => ({
        code: 0,
        signal: null,
        stdout,
        stderr: "",
        timedOut: false,
      });
      if (this.failOn(basename(program), [...args]))
        return {
          code: 1,
          signal: null,
          stdout: "",
          stderr: `injected failure of ${basename(program)}`,
          timedOut: false,
        };
      const [a0, a1, a2, a3, a4] = args;
      switch (basename(program)) {
        case "dkms":
          if (a0 === "status") return ok(this.dkmsAdded ? `${PKG.name}/${PKG.version}: added\n` : "");
          if (a0 === "add") this.dkmsAdded = true;
          if (a0 === "install") this.dkmsInstalled = true;
          if (a0 === "remove") {
            this.dkmsInstalled = false;
            if (args.includes("--all")) this.dkmsAdded = false;
          }
          return ok();
        case "lsinitramfs":
          return ok(`usr/lib/modules/${KVER}/kernel/drivers/net/ethernet/aquantia/atlantic/atlantic.ko\n`);
        case "update-initramfs":
          this.write(
            `/boot/initrd.img-${KVER}`,
            `initramfs with ${this.dkmsInstalled ? "patched" : "stock"} atlantic\n`,
          );
          return ok();
        case "rmmod":
          rmSync(this.p("/sys/module/atlantic"), { recursive: true, force: true });
          this.setLink(false, false);
          return ok();
        case "modprobe": {
          mkdirSync(this.p("/sys/module/atlantic/parameters"), { recursive: true });
          if (this.dkmsInstalled) {
            const conf = this.read("/etc/modprobe.d/tenbolt.conf") ?? "";
            this.loadPatched(Number(/rxpageorder=(\d)/.exec(conf)?.[1] ?? 0));
          }
          this.ring = 2048;
          this.setLink(false, false);
          return ok();
        }
        case "ip":
          if (a0 === "link" && a1 === "set" && a2 === "dev" && a3 === IFACE) {
            if (a4 === "down") this.setLink(false, false);
            else {
              this.reallocate();
              this.setLink(true, this.linkComesBack(this));
            }
          }
          return ok();
        case "ethtool":
          if (a0 === "-g")
            return ok(
              `Ring parameters for ${a1}:\nPre-set maximums:\nRX:\t\t\t${this.ringMax}\nRX Mini:\t\tn/a\nRX Jumbo:\t\tn/a\nTX:\t\t\t8184\n` +
                `Current hardware settings:\nRX:\t\t\t${this.ring}\nRX Mini:\t\tn/a\nRX Jumbo:\t\tn/a\nTX:\t\t\t4096\n`,
            );
          if (a0 === "-G") {
            if (Number(a3) === this.ring)
              return {
                code: 80,
                signal: null,
                stdout: "",
                stderr: "rx unmodified, ignoring\nno ring parameters changed, aborting\n",
                timedOut: false,
              };
            this.ring = Number(a3);
            this.flap();
          }
          return ok();
        case "mokutil":
          if (a0 === "--test-key") return ok(this.mokTestKey);
          return ok();
        default:
          return ok();
      }
    },
  };
}
