import { compose } from '../../lib/compose';
import type { Middleware, SyncContext } from '../../lib/types';
import { fakeContext } from '../helpers/fake-context';

describe('compose', () => {
  test('refuses non-functions', () => {
    expect(() => compose([42 as unknown as Middleware])).toThrow(TypeError);
  });

  test('runs the steps as an onion, first outermost', async () => {
    const trace: string[] = [];
    const step =
      (name: string): Middleware =>
      async (_ctx, next) => {
        trace.push(`${name}>`);
        await next();
        trace.push(`<${name}`);
      };
    await compose([step('a'), step('b'), step('c')])(fakeContext());
    expect(trace).toEqual(['a>', 'b>', 'c>', '<c', '<b', '<a']);
  });

  test('next() may run again after it settled, as a retry does', async () => {
    let inner = 0;
    const twice: Middleware = async (_ctx, next) => {
      await next();
      await next();
    };
    await compose([twice, () => void inner++])(fakeContext());
    expect(inner).toBe(2);
  });

  test('next(other) runs the inner steps on another context', async () => {
    const seen: SyncContext[] = [];
    const other = fakeContext();
    const ctx = fakeContext();
    const swap: Middleware = (_ctx, next) => next(other);
    const record: Middleware = async (c, next) => {
      seen.push(c);
      await next();
    };
    await compose([record, swap, record, record])(ctx);
    expect(seen).toEqual([ctx, other, other]);
    expect(seen[1]).toBe(other);
  });

  test('a step that throws synchronously rejects the pipeline', async () => {
    const boom = new Error('sync throw');
    await expect(
      compose([
        () => {
          throw boom;
        },
      ])(fakeContext()),
    ).rejects.toBe(boom);
  });
});
