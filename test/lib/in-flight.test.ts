import { InFlight } from '../../lib/in-flight';
import { deferred } from '../helpers/deferred';

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

describe('InFlight ticket.wait(signal)', () => {
  test('a caller whose signal aborts stops waiting and leaves; the task goes on for the others', async () => {
    const inFlight = new InFlight<number>();
    const task = deferred<number>();
    let taskSignal: AbortSignal | undefined;
    const a = inFlight.join('k', (signal) => {
      taskSignal = signal;
      return task.promise;
    });
    const b = inFlight.join('k', () => task.promise);
    const mine = new AbortController();
    const waiting = a.wait(mine.signal);
    mine.abort(new Error('left early'));
    await expect(waiting).rejects.toThrow('left early');
    expect(taskSignal?.aborted).toBe(false);
    task.resolve(5);
    await expect(b.wait(new AbortController().signal)).resolves.toBe(5);
  });

  test('when the last caller leaves through wait(), the task signal aborts with a SyncError', async () => {
    const inFlight = new InFlight<number>();
    let taskSignal: AbortSignal | undefined;
    const ticket = inFlight.join('k', (signal) => {
      taskSignal = signal;
      return new Promise(() => {});
    });
    const mine = new AbortController();
    mine.abort();
    await expect(ticket.wait(mine.signal)).rejects.toBeDefined();
    expect(taskSignal?.aborted).toBe(true);
    expect(taskSignal?.reason).toMatchObject({ name: 'SyncError', code: 'ERR_ABORTED' });
    expect(inFlight.size).toBe(0);
  });
});
