// Parsers for `ethtool -g` and `ethtool -l` output. Shared by the helper and the app (the app may
// import helper files; the helper never imports the app).

export interface RingSizes {
  /** RX descriptors per ring now in use. */
  current: number;
  /** Largest RX ring the device accepts. */
  max: number;
}

function section(text: string, title: RegExp): string | null {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => title.test(l));
  if (start < 0) return null;
  const rest = lines.slice(start + 1);
  // The next header is a line that ends in ":" with no value after it.
  const end = rest.findIndex((l) => /^[^:\s][^:]*:\s*$/.test(l));
  return (end < 0 ? rest : rest.slice(0, end)).join("\n");
}

function field(block: string | null, name: string): number | null {
  if (block === null) return null;
  const m = new RegExp(`^${name}:\\s+(\\d+)\\s*$`, "m").exec(block);
  return m ? Number(m[1]) : null;
}

/**
 * `ethtool -g IF`:
 *   Ring parameters for enp99s0:
 *   Pre-set maximums:
 *   RX:             8184
 *   ...
 *   Current hardware settings:
 *   RX:             2048
 */
export function parseRingSizes(text: string): RingSizes | null {
  const max = field(section(text, /^Pre-set maximums:/), "RX");
  const current = field(section(text, /^Current hardware settings:/), "RX");
  return max !== null && current !== null ? { current, max } : null;
}

export interface Channels {
  combinedCurrent: number;
  combinedMax: number;
}

/** `ethtool -l IF`: atlantic reports its queue vectors as "Combined" channels. */
export function parseChannels(text: string): Channels | null {
  const max = field(section(text, /^Pre-set maximums:/), "Combined");
  const current = field(section(text, /^Current hardware settings:/), "Combined");
  return max !== null && current !== null ? { combinedCurrent: current, combinedMax: max } : null;
}
