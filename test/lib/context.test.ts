import { abortReason, onAbort } from '../../lib/context';
import type { SyncContext } from '../../lib/types';
import { fakeContext } from '../helpers/fake-context';

describe('onAbort() and abortReason()', () => {
  test('a listener runs once with the SyncError when the call is aborted, and abortReason() reports it', () => {
    const ctx = fakeContext();
    const listener = jest.fn();
    onAbort(ctx, listener);
    expect(abortReason(ctx)).toBeUndefined();
    ctx.abortCall();
    ctx.abortCall();
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener.mock.calls[0][0]).toMatchObject({ code: 'ERR_ABORTED', textStatus: 'abort' });
    expect(abortReason(ctx)).toBe(listener.mock.calls[0][0]);
    // The signal made later tells the same story.
    expect(ctx.signal.aborted).toBe(true);
    expect(ctx.signal.reason).toBe(abortReason(ctx));
  });

  test('a listener that stopped listening is not called; the others are', () => {
    const ctx = fakeContext();
    const stopped = jest.fn();
    const kept = jest.fn();
    const stop = onAbort(ctx, stopped);
    onAbort(ctx, kept);
    stop();
    stop();
    ctx.abortCall();
    expect(stopped).not.toHaveBeenCalled();
    expect(kept).toHaveBeenCalledTimes(1);
  });

  test('listeners and ctx.signal both hear the same abort', () => {
    const ctx = fakeContext();
    const listener = jest.fn();
    const onSignal = jest.fn();
    ctx.signal.addEventListener('abort', onSignal);
    onAbort(ctx, listener);
    ctx.abortCall();
    expect(onSignal).toHaveBeenCalledTimes(1);
    expect(listener).toHaveBeenCalledWith(ctx.signal.reason);
  });

  test('a listener that throws still lets the call settle, and its error is reported, not swallowed', async () => {
    const reported: Array<() => void> = [];
    const spy = jest.spyOn(globalThis, 'queueMicrotask').mockImplementation((task) => reported.push(task));
    try {
      const ctx = fakeContext();
      onAbort(ctx, () => {
        throw new Error('cleanup failed');
      });
      ctx.abortCall();
      await expect(ctx.xhr).rejects.toMatchObject({ code: 'ERR_ABORTED' });
      expect(reported).toHaveLength(1);
      expect(() => reported[0]()).toThrow('cleanup failed');
    } finally {
      spy.mockRestore();
    }
  });

  test('a context that is not a call context is heard through its signal', () => {
    const controller = new AbortController();
    const ctx = { signal: controller.signal } as SyncContext;
    const listener = jest.fn();
    const stop = onAbort(ctx, listener);
    expect(abortReason(ctx)).toBeUndefined();
    controller.abort('why');
    expect(listener).toHaveBeenCalledWith('why');
    expect(abortReason(ctx)).toBe('why');

    const other = new AbortController();
    const stopped = jest.fn();
    onAbort({ signal: other.signal } as SyncContext, stopped)();
    other.abort();
    expect(stopped).not.toHaveBeenCalled();
    stop();
  });
});
