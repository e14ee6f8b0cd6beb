// withConcurrency: a bounded fan-out whose result keeps the input order, whatever order the jobs finish in.
import { describe, expect, it } from 'vitest';
import { withConcurrency } from '../../common/with-concurrency.js';

/** Jobs that finish only when the test releases them, counting how many run at once. */
function heldJobs() {
  const releases = new Map<number, () => void>();
  let running = 0;
  let most = 0;
  const run = (item: number): Promise<string> => {
    running++;
    most = Math.max(most, running);
    return new Promise<string>((resolve) =>
      releases.set(item, () => {
        running--;
        resolve(`done ${item}`);
      }),
    );
  };
  return { run, releases, most: () => most };
}

describe('withConcurrency', () => {
  it('never runs more than the limit at once, and returns results in input order when later jobs finish first', async () => {
    const jobs = heldJobs();

    const result = withConcurrency([1, 2, 3, 4, 5], 2, jobs.run);
    for (const item of [2, 1, 4, 3, 5]) {
      while (!jobs.releases.has(item)) await Promise.resolve();
      jobs.releases.get(item)?.();
    }

    expect(await result).toEqual(['done 1', 'done 2', 'done 3', 'done 4', 'done 5']);
    expect(jobs.most()).toBe(2);
  });

  it('returns an empty list for no items', async () => {
    expect(await withConcurrency([], 8, async (item: number) => item)).toEqual([]);
  });

  it('rejects with the first failure', async () => {
    const failing = withConcurrency([1, 2, 3], 2, async (item) => {
      if (item === 2) throw new Error('job 2 failed');
      return item;
    });

    await expect(failing).rejects.toThrow('job 2 failed');
  });
});
