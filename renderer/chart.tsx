// The live speed-test chart: throughput (Gbit/s, left axis) with CPU system and softirq (% right axis).
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import type { ChartData } from "./logic.js";

export function Chart({ data }: { data: ChartData }) {
  const el = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    if (!el.current) return;
    const width = Math.max(300, el.current.clientWidth || 600);
    plot.current = new uPlot(
      {
        width,
        height: 260,
        scales: { x: { time: false }, pct: { range: [0, 100] } },
        axes: [
          { label: "seconds", stroke: "currentColor" },
          { label: "Gbit/s", stroke: "currentColor" },
          { side: 1, scale: "pct", label: "CPU %", stroke: "currentColor", grid: { show: false } },
        ],
        series: [
          {},
          { label: "Throughput (Gbit/s)", stroke: "#2b7de9", width: 2 },
          { label: "CPU system %", stroke: "#d9822b", scale: "pct" },
          { label: "CPU softirq %", stroke: "#c23c3c", scale: "pct" },
        ],
      },
      data as uPlot.AlignedData,
      el.current,
    );
    return () => plot.current?.destroy();
  }, []);
  useEffect(() => {
    plot.current?.setData(data as uPlot.AlignedData);
  }, [data]);
  return (
    <div
      class="chart"
      ref={el}
      role="img"
      aria-label={`Throughput chart, ${data[0].length} points`}
      data-points={data[0].length}
    />
  );
}
