// The detection report: what `tenbolt detect --json` prints and what every face receives.
// Schemas (zod) so the contract can validate it at runtime; types are inferred from them.
// Unknown values are null, never guessed.
import { z } from "zod";

const hexId = z.string().regex(/^[0-9a-f]{4}$/);
const nullableInt = z.number().int().nullable();

export const PciLinkSchema = z.object({
  speed: z.string().nullable(), // "8.0 GT/s PCIe", as sysfs says it
  width: nullableInt,
  maxSpeed: z.string().nullable(),
  maxWidth: nullableInt,
  /** True when the NIC sits behind a USB4/Thunderbolt tunnel, whose PCIe link values are not real limits. */
  tunneled: z.boolean(),
});

/** One hop on the way from the NIC up to its root port. */
export const PciHopSchema = z.object({
  pciAddress: z.string(),
  vendorId: hexId.nullable(),
  deviceId: hexId.nullable(),
  class: z.string().nullable(), // "060400"
  driver: z.string().nullable(),
  removable: z.boolean().nullable(),
  /** What the hop is: a Thunderbolt/USB4 bridge (e.g. JHL6240), a root port, or another bridge. */
  role: z.enum(["thunderbolt-bridge", "root-port", "bridge", "other"]),
  name: z.string().nullable(), // "Intel JHL6240 (Titan Ridge LP) bridge" when known
});

export const ThunderboltDeviceSchema = z.object({
  device: z.string(), // "1-2", "1-502"
  domain: z.string().nullable(), // "domain1"
  vendorName: z.string().nullable(),
  deviceName: z.string().nullable(),
  authorized: z.boolean(),
  generation: nullableInt,
  rxSpeed: z.string().nullable(), // "20.0 Gb/s"
  txSpeed: z.string().nullable(),
  rxLanes: nullableInt,
  txLanes: nullableInt,
  uniqueId: z.string().nullable(),
});

/** The Thunderbolt device that carries a NIC, when topology singles one router out. */
export const UniqueThunderboltSchema = ThunderboltDeviceSchema.extend({
  pairing: z.literal("unique"),
  /** Empty: only an ambiguous pairing lists candidates. */
  candidates: z.array(z.string()).max(0),
});

/**
 * Several routers could carry the NIC. No one router's facts are shown: every per-device field is null, and
 * `candidates` lists each possible router once. `domain` stays when all candidates share it.
 */
export const AmbiguousThunderboltSchema = z.object({
  pairing: z.literal("ambiguous"),
  candidates: z.array(z.string()).min(2),
  device: z.null(),
  domain: z.string().nullable(),
  vendorName: z.null(),
  deviceName: z.null(),
  authorized: z.null(),
  generation: z.null(),
  rxSpeed: z.null(),
  txSpeed: z.null(),
  rxLanes: z.null(),
  txLanes: z.null(),
  uniqueId: z.null(),
});

/** `adapters[].thunderbolt`: one object either way; read `pairing` before trusting the device fields. */
export const AdapterThunderboltSchema = z.discriminatedUnion("pairing", [
  UniqueThunderboltSchema,
  AmbiguousThunderboltSchema,
]);

export const AdapterSchema = z.object({
  /** Product name when known (e.g. "QNAP QNA-T310G1S"), from the Thunderbolt device or subsystem IDs. */
  model: z.string().nullable(),
  nic: z.object({
    pciAddress: z.string(), // "0000:63:00.0"
    vendorId: hexId,
    deviceId: hexId,
    subsystemVendorId: hexId.nullable(),
    subsystemDeviceId: hexId.nullable(),
    vendorName: z.string().nullable(),
    chip: z.string().nullable(), // "AQC100"
    maxSpeedMbps: nullableInt, // what the chip can do (10000 for AQC100/107/113)
    interface: z.string().nullable(),
    mac: z.string().nullable(),
    operstate: z.string().nullable(),
    driver: z.string().nullable(),
    linkSpeedMbps: nullableInt,
    carrier: z.boolean().nullable(),
    mtu: nullableInt,
    pcieLink: PciLinkSchema,
  }),
  /** Parents from the NIC's own bridge up to the root port. */
  path: z.array(PciHopSchema),
  behindThunderbolt: z.boolean(),
  thunderbolt: AdapterThunderboltSchema.nullable(),
  iommu: z.object({
    group: nullableInt,
    type: z.string().nullable(), // "DMA", "DMA-FQ", "identity", "blocked"
    /** Whether the NIC's DMA goes through IOMMU translation; null when it cannot be told. */
    translated: z.boolean().nullable(),
    /** Strict invalidation on every unmap (type DMA): the costly case for small RX pages. */
    strict: z.boolean().nullable(),
  }),
  driver: z.object({
    name: z.string().nullable(),
    loaded: z.boolean(),
    /** The driver exposes `rxpageorder` (Tenbolt's patch or the upstream proposal it follows). */
    patched: z.boolean(),
    /** The RX page order in effect: 0 for the stock driver, the parameter for a patched one. */
    rxPageOrder: nullableInt,
    parameters: z.record(z.string(), z.string()),
  }),
});

export const DomainSchema = z.object({
  name: z.string(), // "domain0"
  security: z.string().nullable(), // none, user, secure, dponly, usbonly, nopcie
  dmaProtection: z.boolean().nullable(),
});

export const SeveritySchema = z.enum(["ok", "info", "warning", "critical"]);

export const FindingSchema = z.object({
  id: z.string(),
  severity: SeveritySchema,
  title: z.string(),
  detail: z.string(),
  actions: z.array(z.string()),
  /** The adapter (PCI address) or Thunderbolt device the finding is about, when it is about one. */
  subject: z.string().nullable(),
  /** The detected facts that led to the finding, as "key: value" lines. */
  evidence: z.array(z.string()),
});

export const DetectionSchema = z.object({
  schemaVersion: z.literal(1),
  root: z.string(),
  kernel: z.object({
    release: z.string().nullable(), // /proc/sys/kernel/osrelease
    cmdline: z.string().nullable(),
  }),
  adapters: z.array(AdapterSchema),
  pendingThunderbolt: z.array(ThunderboltDeviceSchema.extend({ authorized: z.literal(false) })),
  thunderboltDevices: z.array(ThunderboltDeviceSchema),
  iommu: z.object({
    enabled: z.boolean().nullable(),
    /** From the units; with none (IOMMU off), from the CPU vendor in /proc/cpuinfo. */
    vendor: z.enum(["amd", "intel"]).nullable(),
    units: z.array(z.object({ name: z.string(), vendor: z.enum(["amd", "intel"]).nullable() })),
    /** IOMMU-related options on the kernel command line, verbatim ("iommu=pt", "amd_iommu=off"). */
    bootOptions: z.array(z.string()),
  }),
  thunderbolt: z.object({ domains: z.array(DomainSchema) }),
  security: z.object({
    secureBoot: z.boolean().nullable(),
    lockdown: z.enum(["none", "integrity", "confidentiality"]).nullable(),
    /** /sys/module/module/parameters/sig_enforce; null when unreadable. Absent in older reports: null. */
    sigEnforce: z.boolean().nullable().default(null),
  }),
});

export const ReportSchema = DetectionSchema.extend({ findings: z.array(FindingSchema) });

export type PciLink = z.infer<typeof PciLinkSchema>;
export type PciHop = z.infer<typeof PciHopSchema>;
export type ThunderboltDevice = z.infer<typeof ThunderboltDeviceSchema>;
export type AdapterThunderbolt = z.infer<typeof AdapterThunderboltSchema>;
export type Adapter = z.infer<typeof AdapterSchema>;
export type Domain = z.infer<typeof DomainSchema>;
export type Severity = z.infer<typeof SeveritySchema>;
export type Finding = z.infer<typeof FindingSchema>;
export type Detection = z.infer<typeof DetectionSchema>;
export type Report = z.infer<typeof ReportSchema>;
