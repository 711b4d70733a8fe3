/**
 * A circuit breaker for the cache: after `failures` failures in a row it opens (the cache is not asked)
 * for `cooldown` ms, then lets one call through as a probe; the probe's outcome closes or reopens it.
 * A cache that is down then costs nothing per request instead of `cacheTimeout` each.
 */
export interface BreakerOptions {
  /** Failures in a row that open the breaker. @default 5 */
  failures: number;
  /** Milliseconds it stays open. @default 30000 */
  cooldown: number;
}

export const DEFAULT_BREAKER: Readonly<BreakerOptions> = { failures: 5, cooldown: 30_000 };

export type BreakerState = 'closed' | 'open' | 'half-open';

export class CircuitBreaker {
  private failuresInARow = 0;
  private openUntil = 0;
  private probing = false;

  constructor(private readonly options: BreakerOptions = DEFAULT_BREAKER) {}

  get state(): BreakerState {
    if (this.openUntil === 0) return 'closed';
    return Date.now() < this.openUntil ? 'open' : 'half-open';
  }

  /** May this call use the cache? In half-open state only one probe at a time may. */
  allow(): boolean {
    if (this.openUntil === 0) return true;
    if (Date.now() < this.openUntil || this.probing) return false;
    this.probing = true;
    return true;
  }

  success(): void {
    this.failuresInARow = 0;
    this.openUntil = 0;
    this.probing = false;
  }

  /**
   * Records a failure; true when it opened (or reopened) the breaker. `options` are those of the instance
   * whose call failed (the breaker is the store's, shared by every instance that uses it; each instance's
   * `cacheBreaker` applies to its own calls). @default the options it was made with
   */
  failure(options: BreakerOptions = this.options): boolean {
    this.failuresInARow++;
    if (this.probing || this.failuresInARow >= options.failures) {
      this.probing = false;
      this.openUntil = Date.now() + options.cooldown;
      return true;
    }
    return false;
  }
}
