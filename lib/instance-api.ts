import type { SyncInstance } from './types';

/** A property a module adds to every instance whose stack has its step (the cache's `sync.cache`). */
export interface InstanceApi {
  /** The step it belongs to: an instance whose stack has no step of this name does not have the property. */
  step: string;
  /** The property's value for `sync` (made once per instance, when the step is there). */
  create(sync: SyncInstance): unknown;
  /** Told of each `extend()` child, before its property is made (to share what the parent owns). */
  inherit?(parent: SyncInstance, child: SyncInstance): void;
}

export const INSTANCE_APIS = new Map<string, InstanceApi>();

/**
 * Adds the property `name` to every instance made from now on whose stack has `api.step`, read-only and
 * enumerable; removing the step removes it, adding a step of that name again brings a new one.
 * @example defineInstanceApi('metrics', { step: 'metrics', create: (sync) => new Metrics(sync) })
 */
export function defineInstanceApi(name: string, api: InstanceApi): void {
  if (INSTANCE_APIS.has(name)) throw new Error(`backbone-super-sync: the instance property ${name} is defined twice`);
  INSTANCE_APIS.set(name, api);
}
