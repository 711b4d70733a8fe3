import type { ProgressEvent } from './http-types';
import type { SyncContext, SyncModel } from './types';

export type { ProgressEvent };

type Evented = SyncModel & {
  _events?: Record<string, unknown>;
  trigger?: (event: string, ...args: unknown[]) => unknown;
};

/**
 * The reporter of a call's progress, or undefined when nobody listens (then the transport sends and reads as
 * usual, at no cost): `options.progress`, or a 'progress' listener on the model (Backbone keeps them in
 * `_events`). Each event goes to both.
 */
export function progressReporter(ctx: SyncContext): ((event: ProgressEvent) => void) | undefined {
  const { options } = ctx;
  const model = ctx.model as Evented;
  const callback =
    typeof options.progress === 'function' ? (options.progress as (event: ProgressEvent) => void) : undefined;
  const listened = model._events?.progress !== undefined && typeof model.trigger === 'function';
  if (!callback && !listened) return undefined;
  return (event) => {
    callback?.call(options.context, event);
    if (listened) model.trigger!('progress', model, event, options);
  };
}
