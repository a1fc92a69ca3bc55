// Which local interface carries the test: the scope of a link-local address, or the interface
// that owns the control connection's local address.
import { networkInterfaces } from "node:os";

export function interfaceFor(
  host: string,
  localAddress: string,
  ifaces: NodeJS.Dict<{ address: string }[]> = networkInterfaces(),
): string | null {
  const scope = /%([^%]+)$/.exec(host)?.[1];
  if (scope) return scope;
  const addr = localAddress.replace(/^::ffff:/, "").replace(/%.*$/, "");
  for (const [name, list] of Object.entries(ifaces)) {
    if (list?.some((a) => a.address === addr)) return name;
  }
  return null;
}
