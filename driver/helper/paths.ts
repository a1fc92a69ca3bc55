// Every path the helper reads or writes, fixed here. All of them are relative to a root prefix
// ("/" in production, a temporary tree in tests); nothing else is ever written.
import { join, posix } from "node:path";

export const PATHS = {
  modprobeConf: "/etc/modprobe.d/tenbolt.conf",
  /** Re-applies the preset's RX ring size when an atlantic interface appears (rings are not persistent). */
  udevRule: "/etc/udev/rules.d/81-tenbolt-atlantic-rings.rules",
  stateDir: "/var/lib/tenbolt",
  state: "/var/lib/tenbolt/state.json",
  journalDir: "/var/lib/tenbolt/journal",
  backupDir: "/var/lib/tenbolt/backup",
  lock: "/var/lib/tenbolt/lock",
  srcDir: "/usr/src",
  osRelease: "/proc/sys/kernel/osrelease",
  cmdline: "/proc/cmdline",
  netDir: "/sys/class/net",
  moduleDir: "/sys/module/atlantic",
  rxPageOrderParam: "/sys/module/atlantic/parameters/rxpageorder",
  sigEnforce: "/sys/module/module/parameters/sig_enforce",
  lockdown: "/sys/kernel/security/lockdown",
  secureBootVar: "/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-e98032b8a8c0",
  thunderboltDevices: "/sys/bus/thunderbolt/devices",
  /** The DKMS signing certificate (dkms 3.0.x default on Debian; Ubuntu uses the shim-signed one). */
  mokCertificates: ["/var/lib/dkms/mok.pub", "/var/lib/shim-signed/mok/MOK.der"],
} as const;

/** Source trees the helper will build from: only system-owned places, never a home directory. */
export const SOURCE_PREFIXES = ["/usr/src/"] as const;

/** Host path of an in-root absolute path. */
export function hostPath(root: string, p: string): string {
  return join(root, posix.normalize("/" + p));
}

/** Candidate absolute locations of each program, first existing one wins (merged-/usr first). */
export const TOOLS = {
  dkms: ["/usr/sbin/dkms", "/sbin/dkms"],
  modprobe: ["/usr/sbin/modprobe", "/sbin/modprobe"],
  rmmod: ["/usr/sbin/rmmod", "/sbin/rmmod"],
  depmod: ["/usr/sbin/depmod", "/sbin/depmod"],
  ip: ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"],
  ethtool: ["/usr/sbin/ethtool", "/sbin/ethtool"],
  mokutil: ["/usr/bin/mokutil", "/bin/mokutil", "/usr/sbin/mokutil"],
  openssl: ["/usr/bin/openssl", "/bin/openssl"],
  updateInitramfs: ["/usr/sbin/update-initramfs", "/sbin/update-initramfs"],
  lsinitramfs: ["/usr/bin/lsinitramfs", "/usr/sbin/lsinitramfs", "/bin/lsinitramfs"],
  dracut: ["/usr/bin/dracut", "/usr/sbin/dracut", "/sbin/dracut"],
  lsinitrd: ["/usr/bin/lsinitrd", "/usr/sbin/lsinitrd"],
} as const;

export type ToolName = keyof typeof TOOLS;
