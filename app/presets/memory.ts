// RX buffer memory of atlantic, from first principles: every RX descriptor owns one page of
// 4 KiB << order, and there is one RX ring per vector per traffic class (+ one PTP ring when the
// chip and firmware do PTP). Pure arithmetic; the inputs come from ethtool through queues.ts.

export const PAGE_SIZE = 4096;
export const MIB = 1024 * 1024;

export interface QueueLayout {
  /** cfg->vecs: min(8, online CPUs, MSI-X vectors - 1), rounded down to a power of two. */
  vecs: number;
  /** Traffic classes: 1 unless mqprio is configured. */
  tcs: number;
  /** A PTP RX ring exists (same size and order as the others). */
  ptp: boolean;
}

export interface RxMemory {
  rings: number;
  bytesPerRing: number;
  totalBytes: number;
}

export function rxRingCount(l: QueueLayout): number {
  return l.vecs * l.tcs + (l.ptp ? 1 : 0);
}

export function bytesPerRing(order: number, rxds: number): number {
  if (!Number.isInteger(order) || order < 0 || order > 3)
    throw new RangeError(`page order ${order} is not 0..3`);
  return rxds * (PAGE_SIZE << order);
}

export function rxMemory(order: number, rxds: number, layout: QueueLayout): RxMemory {
  const perRing = bytesPerRing(order, rxds);
  const rings = rxRingCount(layout);
  return { rings, bytesPerRing: perRing, totalBytes: perRing * rings };
}

/** The driver's vector count rule (aq_nic.c), for when ethtool cannot tell. */
export function driverVecs(onlineCpus: number, msixVectors: number): number {
  const n = Math.max(1, Math.min(8, onlineCpus, msixVectors - 1));
  return 2 ** Math.floor(Math.log2(n));
}

/** 2-KiB RX buffers per page: how many frames share one IOMMU map/unmap (non-XDP). */
export function buffersPerPage(order: number): number {
  return (PAGE_SIZE << order) / 2048;
}

export function formatMiB(bytes: number): string {
  const mib = bytes / MIB;
  return `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB`;
}
