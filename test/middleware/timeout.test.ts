import { timeout } from '../../middleware/timeout';
import { fakeContext } from '../helpers/fake-context';

describe('timeout() step', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  test('aborts the call with a timeout SyncError when the deadline passes', async () => {
    const ctx = fakeContext({ timeout: 1000 });
    const step = timeout()(ctx, () => new Promise<void>(() => {}));
    expect(ctx.deadline).toBe(Date.now() + 1000);
    jest.advanceTimersByTime(999);
    expect(ctx.signal.aborted).toBe(false);
    jest.advanceTimersByTime(1);
    expect(ctx.signal.aborted).toBe(true);
    expect(ctx.signal.reason).toMatchObject({ code: 'ERR_TIMEOUT', message: 'timeout of 1000ms exceeded', status: 0 });
    expect(ctx.settled).toBe(true);
    void step;
  });

  test('clears its timer when the inner steps finish first', async () => {
    const ctx = fakeContext({ timeout: 1000 });
    await timeout()(ctx, () => Promise.resolve());
    expect(jest.getTimerCount()).toBe(0);
    expect(ctx.signal.aborted).toBe(false);
  });

  test('clears its timer when the inner steps fail', async () => {
    const ctx = fakeContext({ timeout: 1000 });
    await expect(timeout()(ctx, () => Promise.reject(new Error('inner')))).rejects.toThrow('inner');
    expect(jest.getTimerCount()).toBe(0);
  });

  test('0 means no deadline', async () => {
    const ctx = fakeContext({ timeout: 0 });
    const inner = jest.fn(() => Promise.resolve());
    await timeout()(ctx, inner);
    expect(inner).toHaveBeenCalled();
    expect(ctx.deadline).toBe(Infinity);
  });
});
