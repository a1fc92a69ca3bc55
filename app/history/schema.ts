// One saved speed test: the result as the speed test produced it (validated by its owner, kept verbatim)
// and the machine's state at the time, so before/after comparisons are possible later.
import { z } from "zod";

export const HISTORY_FORMAT = "tenbolt.history/1";

export const HistoryContextSchema = z.object({
  adapter: z
    .object({
      pciAddress: z.string(),
      chip: z.string().nullable(),
      model: z.string().nullable(),
      interface: z.string().nullable(),
    })
    .nullable(),
  driver: z
    .object({
      name: z.string().nullable(),
      patched: z.boolean(),
      rxPageOrder: z.number().int().nullable(),
    })
    .nullable(),
  /** The preset in force ("iommu-safe-performance"), null when none or unknown. */
  preset: z.string().nullable(),
  /** Kernel release (`uname -r`). */
  kernel: z.string().nullable(),
});

/** File-name safe: the id is also the file's base name. */
export const HISTORY_ID = /^[0-9A-Za-z][0-9A-Za-z._-]{0,127}$/;

export const HistoryEntrySchema = z.object({
  /** Marks the file as Tenbolt's (foreign JSON in the folder is skipped). */
  format: z.literal(HISTORY_FORMAT),
  id: z.string().regex(HISTORY_ID),
  savedAt: z.iso.datetime({ offset: true }),
  result: z.record(z.string(), z.unknown()),
  context: HistoryContextSchema,
});

export type HistoryContext = z.infer<typeof HistoryContextSchema>;
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;
