// What a running speed test reports, for the CLI's live line and the GUI's chart.
import type { Interval } from "./intervals.js";
import type { SpeedtestResult } from "./result.js";
import type { SpeedtestError } from "./errors.js";

export type SpeedtestEvent =
  | { type: "connected"; server: string; local: string; streams: number }
  | { type: "started" }
  | { type: "interval"; interval: Interval }
  | { type: "counters"; counters: unknown }
  | { type: "done"; result: SpeedtestResult }
  | { type: "error"; error: SpeedtestError };

export type EventSink = (e: SpeedtestEvent) => void;

/**
 * Turns a run that reports through a callback into an async iterable of its events; the iterable
 * ends after "done" or "error".
 */
export function eventStream(start: (sink: EventSink) => Promise<unknown>): AsyncIterable<SpeedtestEvent> {
  return {
    [Symbol.asyncIterator]() {
      const queue: SpeedtestEvent[] = [];
      let wake: (() => void) | null = null;
      let finished = false;
      void start((e) => {
        queue.push(e);
        wake?.();
      })
        .catch(() => undefined)
        .finally(() => {
          finished = true;
          wake?.();
        });
      return {
        async next(): Promise<IteratorResult<SpeedtestEvent>> {
          for (;;) {
            const e = queue.shift();
            if (e) return { value: e, done: false };
            if (finished) return { value: undefined, done: true };
            await new Promise<void>((r) => (wake = r));
            wake = null;
          }
        },
      };
    },
  };
}
