// (adapter helper) map over items with at most N calls in flight, for per-item AWS calls

/**
 * Like `Promise.all(items.map(fn))`, but with at most `concurrency` calls running at once, so a
 * list of 300 rules does not fire 300 ListTagsForResource calls against a 50 TPS control plane.
 * Results keep the input order; the first rejection rejects the whole (running calls finish).
 */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker);
  await Promise.all(workers);
  return results;
}
