import Backbone from 'backbone';
import { createSync } from '../../lib/index';
import type { SyncConfig, SyncInstance } from '../../lib/index';

/** Real Backbone 1.6 model and collection classes whose sync is a fresh instance. */
export function backboneWith(config: SyncConfig = {}, urlRoot = '') {
  const sync: SyncInstance = createSync(config);
  const Model = Backbone.Model.extend({ urlRoot, sync });
  const Collection = Backbone.Collection.extend({ model: Model, url: urlRoot, sync });
  return { sync, Model, Collection, Backbone };
}

/** A recorder of the events a model or collection fires, with their arguments. */
export function recordEvents(target: Backbone.Events): Array<[string, ...unknown[]]> {
  const events: Array<[string, ...unknown[]]> = [];
  target.on('all', (name: string, ...args: unknown[]) => events.push([name, ...args]));
  return events;
}
