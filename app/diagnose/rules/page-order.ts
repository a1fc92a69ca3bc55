// The RX page order against the IOMMU mode: the cause of 2.3 instead of 9.3 Gbit/s on receive.
import type { Adapter, Detection, Finding } from "../../detect/report.js";
import { adapterLabel, driverRunning, ev, finding, ifaceOf, pageOrder, translated } from "../finding.js";

/** The order the IOMMU-safe preset sets, and the highest order the page allocator treats as cheap. */
const PRESET_ORDER = 3;
const COSTLY_ORDER = 3;
/** Defaults used for the memory arithmetic when the real ring size is not known. */
const DEFAULT_RX_DESCRIPTORS = 2048;
const PAGE_KIB = 4;

type Mode = "strict" | "lazy" | null;

function iommuMode(a: Adapter): Mode {
  if (a.iommu.type === "DMA") return "strict";
  if (a.iommu.type === "DMA-FQ") return "lazy";
  if (a.iommu.strict === true) return "strict";
  if (a.iommu.strict === false) return "lazy";
  return null;
}

/** RX buffer memory of one ring with default descriptors, in MiB. */
export function ringMemoryMiB(order: number, descriptors = DEFAULT_RX_DESCRIPTORS): number {
  return (descriptors * (PAGE_KIB << order)) / 1024;
}

function orderEvidence(a: Adapter, order: number | null): string[] {
  return [
    ev("driver", a.driver.name ?? a.nic.driver),
    ev("patched driver (rxpageorder)", a.driver.patched),
    ev("rx page order", order),
    ev("iommu group type", a.iommu.type),
  ];
}

function fixActions(a: Adapter): string[] {
  return [
    ...(a.driver.patched ? [] : ["tenbolt driver install"]),
    `tenbolt preset apply iommu-safe-performance --iface ${ifaceOf(a)}`,
  ];
}

/**
 * `rx-page-order-low`: translated DMA with page order below 2. Strict mode (every Thunderbolt device) is a
 * warning; lazy mode (a trusted internal card) costs far less and is only worth knowing.
 */
export function rxPageOrderLow(d: Detection): Finding[] {
  return d.adapters.flatMap((a) => {
    const order = pageOrder(a);
    const mode = iommuMode(a);
    if (!driverRunning(a) || translated(d, a) !== true || order === null || order >= 2 || mode === null)
      return [];
    if (mode === "lazy") {
      return [
        finding(
          "rx-page-order-low",
          "info",
          `${adapterLabel(a)}: small RX pages, lazy IOMMU`,
          `The driver receives into small memory pages (order ${order}), each mapped for the card through the ` +
            "IOMMU. This card uses lazy invalidation, which batches that work, so the cost is small: usually close " +
            "to line rate. A larger page order can still save some CPU time at 10 Gbit/s.",
          { subject: a.nic.pciAddress, actions: fixActions(a), evidence: orderEvidence(a, order) },
        ),
      ];
    }
    return [
      finding(
        "rx-page-order-low",
        "warning",
        `${adapterLabel(a)} may receive at about a quarter of its speed`,
        `The driver receives into small memory pages (order ${order}: ${PAGE_KIB << order} KiB, two packet buffers ` +
          "each). Each page must be mapped for the card through the IOMMU, and " +
          (a.behindThunderbolt
            ? "because Linux translates Thunderbolt devices in strict mode, "
            : "because this card's IOMMU group is in strict mode (for example iommu.strict=1), ") +
          "every unmap waits until the IOMMU has forgotten it. That waiting can cap receiving at " +
          "about a quarter of line rate (2.3 instead of 9.3 Gbit/s, measured with a QNAP QNA-T310G1S on an AMD " +
          "Strix Halo host); sending is " +
          `hardly affected. A patched driver with page order ${PRESET_ORDER} puts 16 buffers in each 32 KiB page, ` +
          "does 8 times less IOMMU work and reaches line rate with the protection still on.",
        { subject: a.nic.pciAddress, actions: fixActions(a), evidence: orderEvidence(a, order) },
      ),
    ];
  });
}

/** `preset-active`: translated DMA with page order 2 or more: the fix is in force. */
export function presetActive(d: Detection): Finding[] {
  return d.adapters.flatMap((a) => {
    const order = pageOrder(a);
    if (!driverRunning(a) || translated(d, a) !== true || order === null || order < 2) return [];
    const perRing = ringMemoryMiB(order);
    return [
      finding(
        "preset-active",
        "ok",
        `${adapterLabel(a)}: IOMMU on, RX page order ${order}`,
        `The patched driver receives into ${PAGE_KIB << order} KiB pages with the IOMMU protecting memory, so ` +
          `the adapter can receive at line rate. Each receive ring holds its pages permanently: ${perRing} MiB ` +
          `per ring at the default ${DEFAULT_RX_DESCRIPTORS} descriptors, once per queue; a ring of 512 ` +
          `descriptors (what the IOMMU-safe preset sets) needs a quarter of that.`,
        {
          subject: a.nic.pciAddress,
          evidence: [...orderEvidence(a, order), `rx buffer memory per default ring: ${perRing} MiB`],
        },
      ),
    ];
  });
}

/** `order-above-3`: orders above 3 are "costly" for the page allocator and fail under fragmentation. */
export function orderAbove3(d: Detection): Finding[] {
  return d.adapters.flatMap((a) => {
    const order = pageOrder(a);
    if (!driverRunning(a) || order === null || order <= COSTLY_ORDER) return [];
    return [
      finding(
        "order-above-3",
        "warning",
        `${adapterLabel(a)}: RX page order ${order} is higher than useful`,
        `Order ${order} asks the kernel for ${PAGE_KIB << order} KiB of contiguous memory per receive page. Above ` +
          `order ${COSTLY_ORDER} such blocks become hard to find once memory is fragmented, so refills fail ` +
          `(AllocFails in ethtool -S) and receiving stalls, and every ring pins ${ringMemoryMiB(order)} MiB at ` +
          `default size. Order ${PRESET_ORDER} already reaches line rate.`,
        {
          subject: a.nic.pciAddress,
          actions: [`tenbolt preset apply iommu-safe-performance --iface ${ifaceOf(a)}`],
          evidence: orderEvidence(a, order),
        },
      ),
    ];
  });
}
