// Terminal rendering of a Report: one card per adapter, then Thunderbolt devices waiting for
// authorization, then findings grouped by severity (critical first). Pure: report in, text out.
import type { Adapter, Finding, Report, Severity } from "../detect/report.js";

export interface RenderOptions {
  color: boolean;
  width?: number;
}

const SEVERITIES: readonly Severity[] = ["critical", "warning", "info", "ok"];
const SGR: Record<Severity | "bold" | "dim", string> = {
  critical: "1;31",
  warning: "33",
  info: "36",
  ok: "32",
  bold: "1",
  dim: "2",
};

export function renderReport(report: Report, opts: RenderOptions): string {
  const paint = (style: keyof typeof SGR, s: string) => (opts.color ? `\x1b[${SGR[style]}m${s}\x1b[0m` : s);
  const width = opts.width ?? 100;
  const lines: string[] = [];
  lines.push(paint("bold", "Tenbolt: Thunderbolt 10 GbE detection"));
  lines.push(systemLine(report));
  lines.push("");

  if (report.adapters.length === 0) {
    lines.push("No adapter with an atlantic NIC (Aquantia/Marvell AQC1xx) found.");
    lines.push("");
  }
  report.adapters.forEach((a, i) => {
    lines.push(paint("bold", `Adapter ${i + 1}: ${a.model ?? a.nic.chip ?? "Aquantia NIC"}`));
    for (const [k, v] of adapterRows(a, report)) lines.push(...wrap(`  ${k.padEnd(12)} `, v, width));
    lines.push("");
  });

  const carrying = new Set(
    report.adapters.flatMap((a) => {
      const t = a.thunderbolt;
      return t === null ? [] : t.pairing === "unique" ? [t.device] : t.candidates;
    }),
  );
  const others = report.thunderboltDevices.filter((d) => d.authorized && !carrying.has(d.device));
  if (others.length > 0) {
    lines.push(paint("bold", "Other Thunderbolt devices (docks, storage, ...)"));
    for (const d of others) {
      lines.push(`  ${d.device}  ${named(d.vendorName, d.deviceName)}, generation ${unknown(d.generation)}`);
    }
    lines.push("");
  }

  if (report.pendingThunderbolt.length > 0) {
    lines.push(paint("bold", "Thunderbolt devices waiting for authorization (no PCIe tunnel yet)"));
    for (const d of report.pendingThunderbolt) {
      lines.push(`  ${d.device}  ${named(d.vendorName, d.deviceName)}${d.domain ? ` (${d.domain})` : ""}`);
    }
    lines.push("");
  }

  lines.push(paint("bold", "Findings"));
  if (report.findings.length === 0) lines.push("  none");
  for (const sev of SEVERITIES) {
    const group = report.findings.filter((f) => f.severity === sev);
    if (group.length === 0) continue;
    lines.push(paint(sev, `  ${sev.toUpperCase()} (${group.length})`));
    for (const f of group) lines.push(...renderFinding(f, width, paint));
  }
  return lines.join("\n") + "\n";
}

function systemLine(r: Report): string {
  const iommu =
    r.iommu.enabled === null
      ? "IOMMU unknown"
      : r.iommu.enabled
        ? `IOMMU on${r.iommu.vendor ? ` (${r.iommu.vendor})` : ""}`
        : "IOMMU off";
  const boot = r.iommu.bootOptions.length > 0 ? ` [${r.iommu.bootOptions.join(" ")}]` : "";
  const sb = r.security.secureBoot === null ? "unknown" : r.security.secureBoot ? "on" : "off";
  return `Kernel ${r.kernel.release ?? "unknown"} · ${iommu}${boot} · Secure Boot ${sb} · lockdown ${
    r.security.lockdown ?? "unknown"
  }`;
}

const unknown = (v: unknown) => (v === null || v === undefined ? "unknown" : String(v));
const named = (vendor: string | null, device: string | null) =>
  vendor === null && device === null ? "(no name)" : [vendor, device].filter(Boolean).join(" ");

export function adapterRows(a: Adapter, report: Report): [string, string][] {
  const n = a.nic;
  const rows: [string, string][] = [];
  rows.push([
    "NIC",
    `${n.chip ?? "unknown chip"} [${n.vendorId}:${n.deviceId}] at ${n.pciAddress}` +
      (n.subsystemVendorId ? `, subsystem ${n.subsystemVendorId}:${unknown(n.subsystemDeviceId)}` : ""),
  ]);
  if (n.interface === null) {
    rows.push(["Interface", "none (no network interface bound to this NIC)"]);
  } else {
    const carrier = n.carrier === null ? "carrier unknown" : n.carrier ? "carrier" : "no carrier";
    const speed = n.linkSpeedMbps === null ? "speed unknown" : `${n.linkSpeedMbps} Mb/s`;
    rows.push([
      "Interface",
      `${n.interface}${n.mac ? ` (MAC ${n.mac})` : ""}: ${unknown(n.operstate)}, ${carrier}, ${speed}, MTU ${unknown(n.mtu)}` +
        (n.maxSpeedMbps ? ` (chip max ${n.maxSpeedMbps} Mb/s)` : ""),
    ]);
  }
  const tb = a.thunderbolt;
  if (tb && tb.pairing === "ambiguous") {
    const names = tb.candidates.map((c) => {
      const d = report.thunderboltDevices.find((t) => t.device === c);
      return `${c} (${d ? named(d.vendorName, d.deviceName) : "?"})`;
    });
    rows.push([
      "Thunderbolt",
      `behind Thunderbolt/USB4; cannot tell which device carries it: ${names.join(", ")}`,
    ]);
  } else if (tb) {
    const link = tb.rxSpeed ? `, link ${tb.rxSpeed} x ${unknown(tb.rxLanes)} lanes` : "";
    rows.push([
      "Thunderbolt",
      `${tb.device} ${named(tb.vendorName, tb.deviceName)}, ${tb.authorized ? "authorized" : "NOT authorized"}, ` +
        `generation ${unknown(tb.generation)}${link}`,
    ]);
    const dom = report.thunderbolt.domains.find((d) => d.name === tb.domain);
    if (dom) {
      const prot = dom.dmaProtection === null ? "unknown" : dom.dmaProtection ? "on" : "off";
      rows.push([
        "TB domain",
        `${dom.name}: security ${unknown(dom.security)}, IOMMU DMA protection ${prot}`,
      ]);
    }
  } else if (a.behindThunderbolt) {
    rows.push(["Thunderbolt", "behind Thunderbolt/USB4, but no matching Thunderbolt device is listed"]);
  } else {
    rows.push(["Thunderbolt", "no (internal PCIe device)"]);
  }
  const l = n.pcieLink;
  const pcie = `${unknown(l.speed)} x${unknown(l.width)} (max ${unknown(l.maxSpeed)} x${unknown(l.maxWidth)})`;
  rows.push([
    "PCIe link",
    l.tunneled ? `${pcie} (the card's own link inside the Thunderbolt adapter)` : pcie,
  ]);
  if (a.path.length > 0) {
    rows.push([
      "PCI path",
      a.path
        .map(
          (h) => `${h.pciAddress}${h.name ? ` (${h.name})` : h.role === "root-port" ? " (root port)" : ""}`,
        )
        .join(" < "),
    ]);
  }
  const io = a.iommu;
  const translated =
    io.translated === null
      ? "translation unknown"
      : io.translated
        ? io.strict
          ? "DMA translated, strict invalidation"
          : "DMA translated, lazy invalidation"
        : "DMA NOT translated (no IOMMU protection)";
  rows.push([
    "IOMMU",
    `${io.group === null ? "no group" : `group ${io.group}`}, type ${unknown(io.type)}: ${translated}`,
  ]);
  const d = a.driver;
  rows.push([
    "Driver",
    `${d.name ?? "none bound"}${d.loaded ? "" : " (atlantic module not loaded)"}, ${
      d.patched ? "patched (rxpageorder)" : "stock"
    }, RX page order ${unknown(d.rxPageOrder)}`,
  ]);
  return rows;
}

function renderFinding(
  f: Finding,
  width: number,
  paint: (s: keyof typeof SGR, t: string) => string,
): string[] {
  const out = [`    ${paint("bold", f.title)}${f.subject ? paint("dim", `  [${f.subject}]`) : ""}`];
  out.push(...wrap("      ", f.detail, width));
  for (const a of f.actions) out.push(...wrap("      -> ", a, width, "         "));
  return out;
}

/** Word-wraps `text` after `first`; continuation lines are indented to the same column. */
export function wrap(
  first: string,
  text: string,
  width: number,
  indent = " ".repeat(first.length),
): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let cur = first;
  let empty = true;
  for (const w of words) {
    if (!empty && cur.length + 1 + w.length > width) {
      lines.push(cur);
      cur = indent + w;
    } else {
      cur += (empty ? "" : " ") + w;
    }
    empty = false;
  }
  lines.push(cur);
  return lines;
}
