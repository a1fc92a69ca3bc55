// The Ethernet link itself: carrier, negotiated speed, MTU.
import type { Adapter, Detection, Finding } from "../../detect/report.js";
import { adapterLabel, driverRunning, ev, finding } from "../finding.js";

/** The speed the chip can reach; falls back to the chip family when detection left it unknown. */
function chipMaxMbps(a: Adapter): number | null {
  if (a.nic.maxSpeedMbps !== null) return a.nic.maxSpeedMbps;
  return a.nic.chip !== null && /^AQC(100|107|113)/.test(a.nic.chip) ? 10000 : null;
}

function linkEvidence(a: Adapter): string[] {
  return [
    ev("interface", a.nic.interface),
    ev("operstate", a.nic.operstate),
    ev("carrier", a.nic.carrier),
    ev("speed Mb/s", a.nic.linkSpeedMbps),
    ev("chip max Mb/s", chipMaxMbps(a)),
    ev("mtu", a.nic.mtu),
  ];
}

/** `link-down`: the interface exists but has no carrier (or is switched off). */
export function linkDown(d: Detection): Finding[] {
  return d.adapters.flatMap((a) => {
    const iface = a.nic.interface;
    if (!driverRunning(a) || iface === null) return [];
    // The kernel refuses to read `carrier` of an interface that is administratively down: carrier is then
    // unknown, and operstate says "down".
    const adminDown = a.nic.carrier === null && a.nic.operstate === "down";
    if (a.nic.carrier !== false && !adminDown) return [];
    const detail = adminDown
      ? `The interface ${iface} is switched off, so it carries no traffic. Switch it on (your network ` +
        "manager may also do it when you select the connection)."
      : `The interface ${iface} is up but sees no link: nothing answers at the other end of the cable. Check ` +
        "the cable or SFP+ module and that the switch or NAS port is on. A 10 GbE copper link needs a Cat6a " +
        "cable; an SFP+ port needs a module or DAC cable the card accepts.";
    return [
      finding("link-down", "warning", `${adapterLabel(a)}: no network link`, detail, {
        subject: a.nic.pciAddress,
        actions: adminDown ? [`sudo ip link set ${iface} up`] : [`ethtool ${iface}`, `ip link show ${iface}`],
        evidence: linkEvidence(a),
      }),
    ];
  });
}

/** `link-not-10g`: carrier up, but negotiated below what the chip can do. */
export function linkNot10g(d: Detection): Finding[] {
  return d.adapters.flatMap((a) => {
    const max = chipMaxMbps(a);
    const speed = a.nic.linkSpeedMbps;
    if (a.nic.carrier !== true || speed === null || speed <= 0 || max === null || max < 10000 || speed >= max)
      return [];
    const iface = a.nic.interface ?? "<interface>";
    return [
      finding(
        "link-not-10g",
        "warning",
        `${adapterLabel(a)}: link runs at ${speed / 1000} Gbit/s, not ${max / 1000}`,
        `The card and the other end agreed on ${speed} Mb/s although the card can do ${max} Mb/s, so no ` +
          "setting on this machine can make it faster. Usual causes: the switch or NAS port is slower, the " +
          "copper cable is below Cat6a or too long, or the SFP+ module is a 1 Gbit/s one.",
        {
          subject: a.nic.pciAddress,
          actions: [
            `ethtool ${iface}`,
            "Check the cable, the SFP+ module and the speed of the switch or NAS port",
          ],
          evidence: linkEvidence(a),
        },
      ),
    ];
  });
}

/** `jumbo-mtu`: jumbo frames only help when every hop agrees on them. */
export function jumboMtu(d: Detection): Finding[] {
  return d.adapters.flatMap((a) => {
    const mtu = a.nic.mtu;
    if (mtu === null || mtu <= 1500) return [];
    const iface = a.nic.interface ?? "<interface>";
    return [
      finding(
        "jumbo-mtu",
        "info",
        `${adapterLabel(a)} uses jumbo frames (MTU ${mtu})`,
        `Large frames work only if the NAS and every switch in between use the same MTU (${mtu}); otherwise big ` +
          "transfers stall or crawl while small ones work. Check it with a ping of the full size that may not be " +
          "fragmented. The page-order fix does not need jumbo frames: 10 Gbit/s is reachable at MTU 1500.",
        {
          subject: a.nic.pciAddress,
          actions: [`ping -M do -s ${mtu - 28} -c 3 <nas-address>`, `ip link show ${iface}`],
          evidence: [ev("mtu", mtu)],
        },
      ),
    ];
  });
}
