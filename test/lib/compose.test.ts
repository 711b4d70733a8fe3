import { compose, type NamedStep } from '../../lib/compose';
import { SyncError } from '../../lib/errors';
import type { Middleware, SyncContext } from '../../lib/types';
import { fakeContext } from '../helpers/fake-context';

/** Steps named s1, s2, ... as the stack hands them to compose. */
function named(...middleware: Middleware[]): NamedStep[] {
  return middleware.map((step, i) => ({ name: `s${i + 1}`, middleware: step }));
}

function reentrant(step: Middleware): Middleware {
  step.reentrant = true;
  return step;
}

describe('compose (koa-compose, split at reentrant steps)', () => {
  test('refuses non-functions', () => {
    expect(() => compose(named(42 as unknown as Middleware))).toThrow(TypeError);
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
    await compose(named(step('a'), step('b'), step('c')))(fakeContext());
    expect(trace).toEqual(['a>', 'b>', 'c>', '<c', '<b', '<a']);
  });

  test('an ordinary step that calls next() twice fails with an error naming it, and the inside runs once', async () => {
    let inner = 0;
    const twice: Middleware = async (_ctx, next) => {
      await next();
      await next();
    };
    const error = await compose(
      named(
        async (_c, next) => next(),
        twice,
        () => void inner++,
      ),
    )(fakeContext()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyncError);
    expect((error as SyncError).code).toBe('ERR_MIDDLEWARE');
    expect((error as SyncError).message).toMatch(/^Step "s2" called next\(\) more than once/);
    expect(inner).toBe(1);
  });

  test('a reentrant step may run the rest again after it settled, as a retry does; the steps inside it are composed afresh', async () => {
    const trace: string[] = [];
    const retry = reentrant(async (_ctx, next) => {
      await next();
      await next();
    });
    const inside: Middleware = async (_ctx, next) => {
      trace.push('inside');
      await next();
    };
    await compose(named(retry, inside, () => void trace.push('transport')))(fakeContext());
    expect(trace).toEqual(['inside', 'transport', 'inside', 'transport']);
  });

  test('a reentrant step runs the rest on the context it passes; the steps outside see their own', async () => {
    const seen: SyncContext[] = [];
    const other = fakeContext();
    const ctx = fakeContext();
    const record: Middleware = async (c, next) => {
      seen.push(c);
      await next();
    };
    const swap = reentrant((_ctx, next) => next(other));
    await compose(named(record, swap, record, record))(ctx);
    expect(seen).toEqual([ctx, other, other]);
  });

  test('steps after a reentrant one keep the guard', async () => {
    const twice: Middleware = async (_ctx, next) => {
      await next();
      await next();
    };
    const pass = reentrant((_ctx, next) => next());
    await expect(compose(named(pass, twice, () => undefined))(fakeContext())).rejects.toThrow(/Step "s2"/);
  });

  test('a step that throws synchronously rejects the pipeline', async () => {
    const boom = new Error('sync throw');
    await expect(
      compose(
        named(() => {
          throw boom;
        }),
      )(fakeContext()),
    ).rejects.toBe(boom);
  });
});
