import { InFlight } from '../../lib/in-flight';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((a, b) => {
    resolve = a;
    reject = b;
  });
  return { promise, resolve, reject };
}

describe('InFlight', () => {
  test('callers of the same key share one task; the first is the leader', async () => {
    const inFlight = new InFlight<number>();
    const task = deferred<number>();
    const start = jest.fn(() => task.promise);
    const a = inFlight.join('k', start);
    const b = inFlight.join('k', start);
    const other = inFlight.join('other', () => Promise.resolve(7));
    expect(start).toHaveBeenCalledTimes(1);
    expect([a.leader, b.leader, other.leader]).toEqual([true, false, true]);
    task.resolve(42);
    await expect(Promise.all([a.promise, b.promise, other.promise])).resolves.toEqual([42, 42, 7]);
  });

  test('the entry is removed when the task settles, so the next call starts again', async () => {
    const inFlight = new InFlight<number>();
    const first = inFlight.join('k', () => Promise.reject(new Error('down')));
    await expect(first.promise).rejects.toThrow('down');
    expect(inFlight.size).toBe(0);
    const start = jest.fn(() => Promise.resolve(1));
    await inFlight.join('k', start).promise;
    expect(start).toHaveBeenCalledTimes(1);
  });

  test('a failure reaches every waiter', async () => {
    const inFlight = new InFlight<number>();
    const task = deferred<number>();
    const tickets = [1, 2, 3].map(() => inFlight.join('k', () => task.promise));
    task.reject(new Error('upstream failed'));
    const outcomes = await Promise.allSettled(tickets.map((t) => t.promise));
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
  });

  test('the task signal aborts only when every caller has left', () => {
    const inFlight = new InFlight<number>();
    let signal: AbortSignal | undefined;
    const a = inFlight.join('k', (s) => {
      signal = s;
      return new Promise(() => {});
    });
    const b = inFlight.join('k', () => Promise.resolve(0));
    a.leave();
    a.leave();
    expect(signal?.aborted).toBe(false);
    b.leave();
    expect(signal?.aborted).toBe(true);
    expect(inFlight.size).toBe(0);
  });
});
