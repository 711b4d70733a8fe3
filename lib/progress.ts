import type { SyncContext, SyncModel } from './types';

/** One step of an upload or a download (`options.progress` and the model's 'progress' event get it). */
export interface ProgressEvent {
  direction: 'upload' | 'download';
  /** Bytes sent or received so far. */
  loaded: number;
  /** All the bytes, when known (a Content-Length), else undefined. */
  total: number | undefined;
}

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
