// The helper's whole command language: fixed verbs, fixed options, every value matched against a
// fixed pattern before anything runs. A refusal names the argument and exits with status 2.
import { isPresetName, PRESET_NAMES, type PresetName } from "./presets.js";
import { SOURCE_PREFIXES } from "./paths.js";

export type HelperCommand =
  | { verb: "status" }
  | { verb: "install-driver"; kernel?: string; source?: string }
  | { verb: "uninstall-driver"; kernel?: string }
  | { verb: "apply-preset"; preset: PresetName; iface: string }
  | { verb: "revert-preset"; iface: string }
  | { verb: "authorize-thunderbolt"; device: string }
  | { verb: "enroll-mok" };

export type Verb = HelperCommand["verb"];

export const VERBS: readonly Verb[] = [
  "status",
  "install-driver",
  "uninstall-driver",
  "apply-preset",
  "revert-preset",
  "authorize-thunderbolt",
  "enroll-mok",
];

/** A call the helper will not run. `argument` is what was wrong, for the message and the test. */
export class Refused extends Error {
  constructor(
    readonly argument: string,
    message: string,
  ) {
    super(message);
    this.name = "Refused";
  }
}

// Kernel dev_valid_name(): 1..15 bytes (IFNAMSIZ 16 with NUL), no '/', ':' or whitespace, not "." or "..".
// We accept a stricter alphabet than the kernel, and no leading "-" (ethtool would read it as an option).
const IFACE = /^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,14}$/;
// uname -r: "6.12.117+deb12-amd64", "6.1.0-56-amd64", "6.8.0-45-generic", "6.11.4-301.fc41.x86_64".
const KERNEL_RELEASE = /^[0-9]{1,3}\.[0-9]{1,3}[A-Za-z0-9._+~-]{0,80}$/;
// Thunderbolt router names in sysfs are "%u-%llx": domain index, route in hex ("0-1", "1-502").
const TB_DEVICE = /^[0-9]{1,3}-[0-9a-f]{1,16}$/;
const PATH_SEGMENT = /^[A-Za-z0-9._+~-]{1,128}$/;

export function checkIface(s: string): string {
  if (!IFACE.test(s) || s === "." || s === "..")
    throw new Refused("--iface", `interface name ${JSON.stringify(s)} is not a valid Linux interface name`);
  return s;
}

export function checkKernelRelease(s: string): string {
  if (!KERNEL_RELEASE.test(s) || s.includes(".."))
    throw new Refused("--kernel", `kernel release ${JSON.stringify(s)} does not look like \`uname -r\``);
  return s;
}

export function checkSourcePath(s: string): string {
  const prefix = SOURCE_PREFIXES.find((p) => s.startsWith(p));
  const segments = s.split("/").slice(1);
  const ok =
    prefix !== undefined &&
    s.length <= 512 &&
    segments.every((seg) => PATH_SEGMENT.test(seg) && seg !== "." && seg !== "..");
  if (!ok)
    throw new Refused(
      "--source",
      `source ${JSON.stringify(s)} must be a plain path under ${SOURCE_PREFIXES.join(" or ")} (no "..", no special characters)`,
    );
  return s;
}

export function checkTbDevice(s: string): string {
  if (!TB_DEVICE.test(s))
    throw new Refused(
      "DEVICE",
      `Thunderbolt device ${JSON.stringify(s)} is not a sysfs router name like 0-1`,
    );
  return s;
}

export function checkPreset(s: string): PresetName {
  if (!isPresetName(s))
    throw new Refused("NAME", `unknown preset ${JSON.stringify(s)} (known: ${PRESET_NAMES.join(", ")})`);
  return s;
}

type OptionSpec = Record<string, (v: string) => string>;

/** Splits argv into positionals and --name value pairs; every option must be known and given once. */
function split(
  argv: readonly string[],
  spec: OptionSpec,
): { positional: string[]; options: Map<string, string> } {
  const positional: string[] = [];
  const options = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a.startsWith("-")) {
      const check = Object.prototype.hasOwnProperty.call(spec, a) ? spec[a] : undefined;
      if (!check) throw new Refused(a, `unknown option ${JSON.stringify(a)}`);
      if (options.has(a)) throw new Refused(a, `option ${a} given twice`);
      const value = argv[i + 1];
      if (value === undefined) throw new Refused(a, `option ${a} needs a value`);
      options.set(a, check(value));
      i++;
    } else {
      positional.push(a);
    }
  }
  return { positional, options };
}

function exactly(positional: string[], names: string[]): string[] {
  if (positional.length > names.length)
    throw new Refused(
      positional[names.length] as string,
      `unexpected argument ${JSON.stringify(positional[names.length])}`,
    );
  if (positional.length < names.length)
    throw new Refused(names[positional.length] as string, `missing ${names[positional.length]}`);
  return positional;
}

function required(options: Map<string, string>, name: string): string {
  const v = options.get(name);
  if (v === undefined) throw new Refused(name, `${name} is required`);
  return v;
}

/** Parses the helper's argv (without node and script). Throws Refused; never touches the system. */
export function parseHelperArgs(argv: readonly string[]): HelperCommand {
  const [verb, ...rest] = argv;
  if (verb === undefined) throw new Refused("VERB", `missing verb (one of: ${VERBS.join(", ")})`);
  switch (verb) {
    case "status":
    case "enroll-mok": {
      exactly(split(rest, {}).positional, []);
      return { verb };
    }
    case "install-driver": {
      const { positional, options } = split(rest, {
        "--kernel": checkKernelRelease,
        "--source": checkSourcePath,
      });
      exactly(positional, []);
      const kernel = options.get("--kernel");
      const source = options.get("--source");
      return { verb, ...(kernel ? { kernel } : {}), ...(source ? { source } : {}) };
    }
    case "uninstall-driver": {
      const { positional, options } = split(rest, { "--kernel": checkKernelRelease });
      exactly(positional, []);
      const kernel = options.get("--kernel");
      return { verb, ...(kernel ? { kernel } : {}) };
    }
    case "apply-preset": {
      const { positional, options } = split(rest, { "--iface": checkIface });
      const [name] = exactly(positional, ["NAME"]);
      return { verb, preset: checkPreset(name as string), iface: required(options, "--iface") };
    }
    case "revert-preset": {
      const { positional, options } = split(rest, { "--iface": checkIface });
      exactly(positional, []);
      return { verb, iface: required(options, "--iface") };
    }
    case "authorize-thunderbolt": {
      const { positional } = split(rest, {});
      const [device] = exactly(positional, ["DEVICE"]);
      return { verb, device: checkTbDevice(device as string) };
    }
    default:
      throw new Refused("VERB", `unknown verb ${JSON.stringify(verb)} (one of: ${VERBS.join(", ")})`);
  }
}
