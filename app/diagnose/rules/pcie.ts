// PCIe link figures: fake inside USB4/Thunderbolt tunnels, real (and possibly too narrow) in a slot.
import type { Adapter, Detection, Finding } from "../../detect/report.js";
import { adapterLabel, ev, finding } from "../finding.js";

function pcieEvidence(a: Adapter): string[] {
  const l = a.nic.pcieLink;
  return [
    `pcie link: ${l.speed ?? "unknown"} x${l.width ?? "?"} (max ${l.maxSpeed ?? "unknown"} x${l.maxWidth ?? "?"})`,
    ev("tunneled", l.tunneled),
  ];
}

/** `pcie-link-tunnel-artifact`: explains the misleading 2.5 GT/s x1 (or x16) values and dmesg line. */
export function pcieTunnelArtifact(d: Detection): Finding[] {
  return d.adapters.flatMap((a) => {
    if (!a.nic.pcieLink.tunneled) return [];
    // Only a router known to carry the NIC has a link speed worth quoting.
    const t = a.thunderbolt?.pairing === "unique" ? a.thunderbolt : null;
    const tbLink =
      t && t.rxSpeed
        ? `${t.rxLanes ?? "?"} lane(s) at ${t.rxSpeed}`
        : "the Thunderbolt link speed of the device that carries it (boltctl list shows it)";
    return [
      finding(
        "pcie-link-tunnel-artifact",
        "info",
        "PCIe link speed shown for the tunnel is not a real limit",
        "This adapter's PCIe traffic runs inside a Thunderbolt/USB4 tunnel. The port the tunnel enters (the " +
          `USB4 root port or the host controller's downstream port${tunnelPort(a) ? `, ${tunnelPort(a)}` : ""}) ` +
          'shows placeholder PCIe values (often "2.5 GT/s x1", sometimes "x16" or "x4"), and the kernel message ' +
          '"... available PCIe bandwidth, limited by 2.5 GT/s PCIe x1 link at <that port>" comes from them. They ' +
          "are not why the adapter is slow. The card's own link inside the adapter " +
          `(${a.nic.pcieLink.speed ?? "unknown"} x${a.nic.pcieLink.width ?? "?"}) is real and checked separately. ` +
          `What counts for the tunnel is the Thunderbolt link: ${tbLink}.`,
        {
          subject: a.nic.pciAddress,
          actions: t ? [`cat /sys/bus/thunderbolt/devices/${t.device}/rx_speed`] : ["boltctl list"],
          evidence: [
            ...pcieEvidence(a),
            ...(t ? [ev("thunderbolt rx speed", t.rxSpeed), ev("thunderbolt rx lanes", t.rxLanes)] : []),
          ],
        },
      ),
    ];
  });
}

/** The port the tunnel enters: the hop just above the adapter's first removable bridge, else the root port. */
function tunnelPort(a: Adapter): string | null {
  const top = a.path.length - 1;
  for (let i = top; i >= 0; i--) {
    if (a.path[i]?.removable === true) return a.path[i + 1]?.pciAddress ?? null;
  }
  const root = a.path[top];
  return root?.role === "root-port" ? root.pciAddress : null;
}

/** Usable bandwidth of one direction of a PCIe link in Gbit/s, from "8.0 GT/s PCIe" and a width. */
export function pcieGbps(speed: string | null, width: number | null): number | null {
  if (speed === null || width === null || width <= 0) return null;
  const m = /^(\d+(?:\.\d+)?)\s*GT\/s/.exec(speed);
  if (!m) return null;
  const gt = Number(m[1]);
  // Gen 1 and 2 use 8b/10b line coding, gen 3 and later 128b/130b.
  const coding = gt < 8 ? 8 / 10 : 128 / 130;
  return gt * coding * width;
}

/** Packet headers and flow control eat ~15-20 % of a PCIe link; ask for this much headroom over line rate. */
const PCIE_HEADROOM = 1.2;

/**
 * `pcie-link-slow`: the card negotiated too few lanes or too old a generation for 10 Gbit/s. This is the NIC's
 * own link (in a slot, or to the bridge inside a Thunderbolt adapter), which is real even behind a tunnel:
 * the placeholder values belong to the tunnel's port, not to the NIC.
 */
export function pcieLinkSlow(d: Detection): Finding[] {
  return d.adapters.flatMap((a) => {
    const l = a.nic.pcieLink;
    const have = pcieGbps(l.speed, l.width);
    const lineGbps = (a.nic.maxSpeedMbps ?? 10000) / 1000;
    if (have === null || have >= lineGbps * PCIE_HEADROOM) return [];
    const best = pcieGbps(l.maxSpeed, l.maxWidth);
    return [
      finding(
        "pcie-link-slow",
        "warning",
        `${adapterLabel(a)}: ${a.behindThunderbolt ? "PCIe link inside the adapter" : "PCIe slot"} too slow for ${lineGbps} Gbit/s`,
        `The card talks to ${a.behindThunderbolt ? "the adapter's own PCIe bridge" : "the computer"} over PCIe at ${l.speed} with ${l.width} lane(s), about ` +
          `${have.toFixed(1)} Gbit/s before overhead: not enough for ${lineGbps} Gbit/s Ethernet. ` +
          (a.behindThunderbolt
            ? "This link is inside the adapter, not the tunnel's placeholder: the adapter is faulty or was built with a narrow link; try another adapter or contact its maker."
            : best !== null && best > have
              ? `The card itself could do ${l.maxSpeed} x${l.maxWidth}; move it to a slot with more lanes (slots that share lanes with an M.2 drive often drop to x1).`
              : "Move it to a slot with more lanes or a newer PCIe generation."),
        {
          subject: a.nic.pciAddress,
          actions: [`sudo lspci -vv -s ${a.nic.pciAddress}`],
          evidence: pcieEvidence(a),
        },
      ),
    ];
  });
}
