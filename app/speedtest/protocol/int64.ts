// iperf3 3.12/3.13 print -1 as 18446744073709551615 (their cJSON formats int64 with PRIu64), which
// JSON.parse reads as 1.8446744073709552e19: any value >= 2^63 is a wrapped negative, i.e. -1.
const TWO_POW_63 = 2 ** 63;

export function unwrapInt64(n: number): number {
  return n >= TWO_POW_63 ? -1 : n;
}
