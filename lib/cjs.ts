/**
 * The CommonJS entry: `require('backbone-super-sync')` is the sync function itself, so
 * `Backbone.sync = require('backbone-super-sync')` works, and the named exports hang off it.
 * The ES module entry re-exports this same object, so both see one default instance.
 */
import superSync, * as api from './index';

export = Object.assign(superSync, api);
