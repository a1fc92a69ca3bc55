// Speed test history: saved results with the machine state at the time.
export { saveResult, listResults, type NewHistoryEntry, type ListOptions } from "./store.js";
export { historyContext } from "./context.js";
export {
  HistoryEntrySchema,
  HistoryContextSchema,
  type HistoryEntry,
  type HistoryContext,
} from "./schema.js";
export { historyDir, tenboltDataDir, type DataDirOptions } from "./paths.js";
