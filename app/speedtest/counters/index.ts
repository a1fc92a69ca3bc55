// System counters during a speed test: the API the speed test engine calls.
export { startCounterSampling, type CounterOptions, type CounterSampler } from "./sampler.js";
export { CountersReportSchema, type CountersReport, type CounterSample, type Hint } from "./schema.js";
