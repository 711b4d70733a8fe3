import { CircuitBreaker } from '../../../lib/cache/breaker';

describe('CircuitBreaker', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  test('opens after N failures in a row, for the cooldown, then lets one probe through', () => {
    const breaker = new CircuitBreaker({ failures: 3, cooldown: 10_000 });
    expect([breaker.failure(), breaker.failure()]).toEqual([false, false]);
    expect(breaker.allow()).toBe(true);
    expect(breaker.failure()).toBe(true);
    expect(breaker.state).toBe('open');
    expect(breaker.allow()).toBe(false);
    jest.advanceTimersByTime(9_999);
    expect(breaker.allow()).toBe(false);
    jest.advanceTimersByTime(1);
    expect(breaker.state).toBe('half-open');
    expect(breaker.allow()).toBe(true); // the probe
    expect(breaker.allow()).toBe(false); // only one at a time
    breaker.success();
    expect(breaker.state).toBe('closed');
    expect(breaker.allow()).toBe(true);
  });

  test('a failed probe reopens it at once', () => {
    const breaker = new CircuitBreaker({ failures: 2, cooldown: 5_000 });
    breaker.failure();
    breaker.failure();
    jest.advanceTimersByTime(5_000);
    expect(breaker.allow()).toBe(true);
    expect(breaker.failure()).toBe(true);
    expect(breaker.allow()).toBe(false);
  });

  test('a success resets the count', () => {
    const breaker = new CircuitBreaker({ failures: 2, cooldown: 5_000 });
    breaker.failure();
    breaker.success();
    expect(breaker.failure()).toBe(false);
    expect(breaker.state).toBe('closed');
  });
});

describe('one breaker per store, each instance its own cacheBreaker', () => {
  test('the failing call’s options decide: a strict instance opens it after 1 failure where the first needs 5', () => {
    const breaker = new CircuitBreaker({ failures: 5, cooldown: 30_000 });
    expect(breaker.failure({ failures: 1, cooldown: 50 })).toBe(true);
    expect(breaker.state).toBe('open');
  });
});
