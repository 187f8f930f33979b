import { cachedStageOrder } from '../../../../src/app/notify/stage-order-cache';

/** A real, tiny implementation of the one port method the cache uses, counting its calls. */
class StageNames {
  calls = 0;
  fail = false;
  async getPipelineStageNames(pipeline: string): Promise<readonly string[]> {
    this.calls++;
    if (this.fail) throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
    return [`${pipeline}-Source`, `${pipeline}-Build`];
  }
}

describe('cachedStageOrder', () => {
  test('one request per pipeline within the TTL, shared by concurrent first calls', async () => {
    const names = new StageNames();
    let time = 0;
    const lookup = cachedStageOrder(names, { ttlMs: 1000, now: () => time });
    const [a, b] = await Promise.all([lookup('p'), lookup('p')]);
    expect(a).toEqual(['p-Source', 'p-Build']);
    expect(b).toBe(a);
    expect(names.calls).toBe(1);
    await lookup('q');
    expect(names.calls).toBe(2);
    time = 1000;
    await lookup('p');
    expect(names.calls).toBe(3);
  });

  test('a failure is not cached', async () => {
    const names = new StageNames();
    const lookup = cachedStageOrder(names);
    names.fail = true;
    await expect(lookup('p')).rejects.toThrow('throttled');
    names.fail = false;
    expect(await lookup('p')).toEqual(['p-Source', 'p-Build']);
    expect(names.calls).toBe(2);
  });
});
