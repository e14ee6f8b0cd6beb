// Runs an async job over a list with a bound on how many run at once, so a fan-out of SDK calls stays inside quotas.

/** Runs `run` over `items` with at most `limit` in flight, keeping the input order in the result. */
export async function withConcurrency<T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  const queue = items.map((item, index) => ({ item, index }));
  const worker = async (): Promise<void> => {
    for (let entry = queue.shift(); entry !== undefined; entry = queue.shift()) results[entry.index] = await run(entry.item);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
