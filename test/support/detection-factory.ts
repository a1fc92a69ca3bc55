// Valid detection reports for tests, built from a realistic default (the reference machine: Strix Halo host,
// QNAP QNA-T310G1S behind Thunderbolt, stock atlantic, strict IOMMU) plus deep overrides.
// Every result is checked against the schema, so a test can never run on a report detection could not produce.
import {
  DetectionSchema,
  type Adapter,
  type AdapterThunderbolt,
  type Detection,
  type Finding,
  type ThunderboltDevice,
} from "../../app/detect/report.js";
import { diagnose } from "../../app/diagnose/diagnose.js";

/** Objects merge key by key; arrays and scalars replace. */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function deepMerge<T>(base: T, override: DeepPartial<T> | undefined): T {
  if (override === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(override)) return override as T;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) {
    if (v === undefined) continue;
    out[k] = isPlainObject(v) && isPlainObject(out[k]) ? deepMerge(out[k], v as never) : v;
  }
  return out as T;
}

export function makeThunderboltDevice(o: DeepPartial<ThunderboltDevice> = {}): ThunderboltDevice {
  return deepMerge<ThunderboltDevice>(
    {
      device: "1-2",
      domain: "domain1",
      vendorName: "QNAP Systems, Inc.",
      deviceName: "QNA-T310G1S",
      authorized: true,
      generation: 3,
      rxSpeed: "20.0 Gb/s",
      txSpeed: "20.0 Gb/s",
      rxLanes: 2,
      txLanes: 2,
      uniqueId: "d6010000-0092-8d18-2335-51cf8c010101",
    },
    o,
  );
}

/** An ambiguous pairing: only the candidates' names, every per-device fact null. */
export function makeAmbiguousThunderbolt(
  candidates: string[],
  domain: string | null = "domain1",
): AdapterThunderbolt {
  return {
    pairing: "ambiguous",
    candidates,
    device: null,
    domain,
    vendorName: null,
    deviceName: null,
    authorized: null,
    generation: null,
    rxSpeed: null,
    txSpeed: null,
    rxLanes: null,
    txLanes: null,
    uniqueId: null,
  };
}

/** The reference adapter: AQC100 at 0000:63:00.0 (enp99s0), behind a JHL6240, stock driver, group type DMA. */
export function makeAdapter(o: DeepPartial<Adapter> = {}): Adapter {
  const base: Adapter = {
    model: "QNAP QNA-T310G1S",
    nic: {
      pciAddress: "0000:63:00.0",
      vendorId: "1d6a",
      deviceId: "00b1",
      subsystemVendorId: "1baa",
      subsystemDeviceId: null,
      vendorName: "Aquantia Corp.",
      chip: "AQC100",
      maxSpeedMbps: 10000,
      interface: "enp99s0",
      mac: "24:5e:be:00:00:01",
      operstate: "up",
      driver: "atlantic",
      linkSpeedMbps: 10000,
      carrier: true,
      mtu: 1500,
      pcieLink: { speed: "8.0 GT/s PCIe", width: 4, maxSpeed: "8.0 GT/s PCIe", maxWidth: 4, tunneled: true },
    },
    path: [
      {
        pciAddress: "0000:61:01.0",
        vendorId: "8086",
        deviceId: "15c0",
        class: "060400",
        driver: "pcieport",
        removable: true,
        role: "thunderbolt-bridge",
        name: "Intel JHL6240 bridge",
      },
      {
        pciAddress: "0000:60:00.0",
        vendorId: "8086",
        deviceId: "15c0",
        class: "060400",
        driver: "pcieport",
        removable: true,
        role: "thunderbolt-bridge",
        name: "Intel JHL6240 bridge",
      },
      {
        pciAddress: "0000:00:01.2",
        vendorId: "1022",
        deviceId: "150a",
        class: "060400",
        driver: "pcieport",
        removable: false,
        role: "root-port",
        name: null,
      },
    ],
    behindThunderbolt: true,
    thunderbolt: { ...makeThunderboltDevice(), pairing: "unique", candidates: [] },
    iommu: { group: 27, type: "DMA", translated: true, strict: true },
    driver: {
      name: "atlantic",
      loaded: true,
      patched: false,
      rxPageOrder: 0,
      parameters: { aq_itr: "65535", aq_itr_tx: "0", aq_itr_rx: "0" },
    },
  };
  return deepMerge<Adapter>(base, o);
}

/** An AQC113 card in a desktop PCIe slot: trusted, lazy (DMA-FQ) IOMMU, PCIe 4.0 x1. */
export function makeInternalAdapter(o: DeepPartial<Adapter> = {}): Adapter {
  return deepMerge<Adapter>(
    makeAdapter({
      model: null,
      nic: {
        pciAddress: "0000:05:00.0",
        deviceId: "04c0",
        subsystemVendorId: null,
        chip: "AQC113",
        interface: "enp5s0",
        pcieLink: {
          speed: "16.0 GT/s PCIe",
          width: 1,
          maxSpeed: "16.0 GT/s PCIe",
          maxWidth: 4,
          tunneled: false,
        },
      },
      path: [],
      behindThunderbolt: false,
      thunderbolt: null,
      iommu: { group: 14, type: "DMA-FQ", translated: true, strict: false },
    }),
    o,
  );
}

type DetectionOverrides = Omit<
  DeepPartial<Detection>,
  "adapters" | "pendingThunderbolt" | "thunderboltDevices"
> & {
  adapters?: Adapter[];
  pendingThunderbolt?: Detection["pendingThunderbolt"];
  thunderboltDevices?: ThunderboltDevice[];
};

/** A whole report around one reference adapter (or the adapters given). */
export function makeDetection(o: DetectionOverrides = {}): Detection {
  const adapters = o.adapters ?? [makeAdapter()];
  const base: Detection = {
    schemaVersion: 1,
    root: "/",
    kernel: { release: "6.12.117+deb12-amd64", cmdline: "BOOT_IMAGE=/vmlinuz root=/dev/nvme0n1p2 ro quiet" },
    adapters,
    pendingThunderbolt: [],
    thunderboltDevices: adapters.flatMap((a) => {
      const t = a.thunderbolt;
      if (t === null) return [];
      if (t.pairing === "unique") return [makeThunderboltDevice({ device: t.device, domain: t.domain })];
      return t.candidates.map((c) =>
        makeThunderboltDevice({ device: c, domain: `domain${c.split("-")[0] ?? "0"}` }),
      );
    }),
    iommu: { enabled: true, vendor: "amd", units: [{ name: "ivhd0", vendor: "amd" }], bootOptions: [] },
    thunderbolt: {
      domains: [
        { name: "domain0", security: "user", dmaProtection: true },
        { name: "domain1", security: "user", dmaProtection: true },
      ],
    },
    security: { secureBoot: false, lockdown: "none", sigEnforce: false },
  };
  const { adapters: _a, ...rest } = o;
  return DetectionSchema.parse(deepMerge(base, rest as DeepPartial<Detection>));
}

/** A device waiting for approval (for `pendingThunderbolt`). */
export function makePending(o: DeepPartial<ThunderboltDevice> = {}): Detection["pendingThunderbolt"][number] {
  return { ...makeThunderboltDevice(o), authorized: false };
}

/** The findings of one id that diagnose() gives for a report. */
export function findingsWith(d: Detection, id: string): Finding[] {
  return diagnose(d).filter((f) => f.id === id);
}
