/** What the sync reads of Backbone itself: the defaults of `options.emulateHTTP` and `options.emulateJSON`. */
export interface BackboneGlobals {
  emulateHTTP?: boolean;
  emulateJSON?: boolean;
}

let backbone: BackboneGlobals | null | undefined;

/**
 * The app's Backbone: a page's global (a script tag), else the module the app has (in a bundle, the
 * bundler resolves this `require` to the app's own copy; inside `try`, a missing optional peer is only
 * a bundler warning), else null. Looked up once; its properties are read on every call.
 */
export function loadedBackbone(): BackboneGlobals | null {
  if (backbone === undefined) {
    const global = (globalThis as { Backbone?: BackboneGlobals }).Backbone;
    if (global) {
      backbone = global;
    } else {
      try {
        backbone = require('backbone') as BackboneGlobals;
      } catch {
        backbone = null;
      }
    }
  }
  return backbone;
}
