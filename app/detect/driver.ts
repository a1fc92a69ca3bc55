// The atlantic module from sys/module/atlantic: loaded or not, its parameters, and whether it is
// the patched driver. The stock driver has only aq_itr, aq_itr_tx, aq_itr_rx; the page-order knob is
// `rxpageorder` in Tenbolt's driver and the LKML proposal it follows, `aq_rxpageorder` in Marvell's
// out-of-tree driver. No in-tree atlantic has either.
import type { SysRoot } from "../sysfs/root.js";

export interface AtlanticModule {
  loaded: boolean;
  parameters: Record<string, string>;
  patched: boolean;
  /** The page-order parameter's value for a patched driver (null when unreadable), 0 for stock. */
  rxPageOrder: number | null;
}

const MODULE = "/sys/module/atlantic";
export const PAGE_ORDER_PARAMS = ["rxpageorder", "aq_rxpageorder"] as const;

export function readAtlanticModule(sys: SysRoot): AtlanticModule {
  const loaded = sys.isDirectory(MODULE);
  const parameters: Record<string, string> = {};
  const names = loaded ? sys.list(`${MODULE}/parameters`) : [];
  for (const name of names) {
    const v = sys.readAttr(`${MODULE}/parameters/${name}`);
    if (v !== null) parameters[name] = v;
    // Unreadable or empty: still record that it exists (its presence marks the patched driver).
    else sys.exists(`${MODULE}/parameters/${name}`);
  }
  const knob = PAGE_ORDER_PARAMS.find((p) => names.includes(p));
  if (!loaded) return { loaded, parameters, patched: false, rxPageOrder: null };
  if (knob === undefined) return { loaded, parameters, patched: false, rxPageOrder: 0 };
  const raw = parameters[knob];
  const order = raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : null;
  return { loaded, parameters, patched: true, rxPageOrder: order };
}
