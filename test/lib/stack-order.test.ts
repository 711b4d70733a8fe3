import { createSync } from '../../lib/index';
import type { Middleware, StepOrder } from '../../lib/index';
import { dedupe, logger, retry } from '../../middleware/index';

function declared(name: string, order: StepOrder): Middleware {
  const step: Middleware = (_ctx, next) => next();
  Object.defineProperty(step, 'name', { value: name });
  step.order = order;
  return step;
}

describe('order declarations', () => {
  test('use() without a placement puts a step where its rules allow, as close to before-cache as they let it', () => {
    const early = declared('early', { before: ['headers'] });
    const late = declared('late', { after: ['parse'] });
    const free = declared('free', { before: ['transport'] });
    expect(createSync().use(early).use(late).use(free).steps()).toEqual([
      'timeout',
      'early',
      'headers',
      'free',
      'cache',
      'parse',
      'late',
      'transport',
    ]);
  });

  test('a forced placement that breaks the step’s own rule throws, naming both steps', () => {
    expect(() => createSync().use('retry', retry(), { after: 'parse' })).toThrow(
      'Step "retry" must sit before (outside) "parse" (retries stay within the total deadline, and shouldRetry sees parsed bodies), but it would run inside it',
    );
    expect(() => createSync().use('retry', retry(), { before: 'timeout' })).toThrow(
      /Step "retry" must sit after \(inside\) "timeout"/,
    );
  });

  test('another step’s rule about this one counts too, both ways', () => {
    const sync = createSync().use(logger({ log: () => {} }));
    // logger declares before: ['retry'], so retry may not go outside it...
    expect(() => sync.use('retry', retry(), { before: 'logger' })).toThrow(
      /Step "logger" must sit before \(outside\) "retry"/,
    );
    // ...and without a placement retry lands inside it.
    expect(sync.use(retry()).steps()).toEqual(['timeout', 'headers', 'logger', 'retry', 'cache', 'parse', 'transport']);
  });

  test('a failed edit leaves the stack as it was', () => {
    const sync = createSync().use('plain', (_ctx, next) => next());
    const before = sync.steps();
    const pipelineOf = () => sync.print();
    const picture = pipelineOf();
    expect(() => sync.use('retry', retry(), { after: 'parse' })).toThrow();
    expect(() => sync.replace('plain', declared('moved', { after: 'transport' as never as string[] }))).toThrow(
      TypeError,
    );
    expect(() => sync.replace('plain', declared('inner', { after: ['parse'] }))).toThrow(
      'Step "plain" must sit after (inside) "parse", but it would run outside it',
    );
    expect(sync.steps()).toEqual(before);
    expect(pipelineOf()).toBe(picture);
  });

  test('rules that contradict the stack throw at use()', () => {
    expect(() => createSync().use(declared('torn', { before: ['headers'], after: ['cache'] }))).toThrow(
      /Step "torn" must sit/,
    );
  });

  test('a rule about a step that is not in the stack does not apply', () => {
    const sync = createSync().remove('parse').use(dedupe());
    expect(sync.steps()).toEqual(['timeout', 'headers', 'dedupe', 'cache', 'transport']);
  });

  test('an order that is not { before?: string[], after?: string[] } is a TypeError', () => {
    expect(() => createSync().use(declared('bad', 'first' as never))).toThrow(TypeError);
    expect(() => createSync().use(declared('bad', { before: 'parse' as never }))).toThrow(
      'The order of step "bad": "before" must be an array of step names',
    );
  });
});
