// The machine's state to store beside a result: which adapter, driver, page order and preset.
import type { Adapter, Detection } from "../detect/report.js";
import type { HistoryContext } from "./schema.js";

/**
 * Picks the adapter the test most likely ran over: the one with the given interface, else the first with a
 * carrier, else the first. Null detection (not available) gives an all-null context.
 */
export function historyContext(
  detection: Detection | null,
  preset: string | null,
  iface?: string | null,
): HistoryContext {
  const adapters = detection?.adapters ?? [];
  const a: Adapter | undefined =
    (iface ? adapters.find((x) => x.nic.interface === iface) : undefined) ??
    adapters.find((x) => x.nic.carrier === true) ??
    adapters[0];
  return {
    adapter: a
      ? { pciAddress: a.nic.pciAddress, chip: a.nic.chip, model: a.model, interface: a.nic.interface }
      : null,
    driver: a ? { name: a.driver.name, patched: a.driver.patched, rxPageOrder: a.driver.rxPageOrder } : null,
    preset,
    kernel: detection?.kernel.release ?? null,
  };
}
