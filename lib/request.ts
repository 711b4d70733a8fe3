import { loadedBackbone } from './runtime';
import { SyncError } from './errors';
import { framingHeaderIn, framingHeaderMessage } from './header-names';
import { formEncode } from './query';
import { normalizeUrlScheme } from './url-scheme';
import type { HttpMethod, SyncInstance, SyncMethod, SyncModel, SyncOptions, SyncRequest } from './types';

const HTTP_METHODS: Record<SyncMethod, HttpMethod> = {
  create: 'POST',
  update: 'PUT',
  patch: 'PATCH',
  delete: 'DELETE',
  read: 'GET',
};

// jQuery's default content type for `data`, and the one Backbone sets for emulateJSON.
const FORM = 'application/x-www-form-urlencoded; charset=UTF-8';
const EMULATED_FORM = 'application/x-www-form-urlencoded';
// setTimeout fires at once (with a warning) for anything longer than this.
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Builds the request the way Backbone.sync builds jQuery's settings, synchronously: Backbone swaps
 * a model's attributes (`save(attrs, { wait: true })`) only for the duration of the sync call.
 */
export function buildRequest(
  sync: SyncInstance,
  method: SyncMethod,
  model: SyncModel,
  options: SyncOptions,
): SyncRequest {
  const verb = HTTP_METHODS[method];
  if (verb === undefined || !Object.prototype.hasOwnProperty.call(HTTP_METHODS, method)) {
    throw new TypeError(
      `Unknown sync method ${JSON.stringify(method)}: expected create, read, update, patch or delete`,
    );
  }
  if (model === null || typeof model !== 'object') {
    throw new TypeError('sync(method, model, options) needs a model or collection');
  }
  const url = options.url || resultOf(model, 'url');
  if (!url) throw new Error('A "url" property or function must be specified');
  if (typeof url !== 'string') throw new TypeError(`The url must be a string, got ${typeof url}`);
  refuseFramingHeaders(options.headers, 'options.headers');
  if (typeof sync.headers === 'object') refuseFramingHeaders(sync.headers, 'sync.headers');

  const timeout = checkedTimeout(options.timeout ?? sync.timeout);
  const backbone = loadedBackbone();
  const emulateHTTP = options.emulateHTTP ?? backbone?.emulateHTTP ?? false;
  const emulateJSON = options.emulateJSON ?? backbone?.emulateJSON ?? false;

  const headers: Record<string, string> = {};
  let json: string | undefined;
  if (options.data == null && verb !== 'GET' && verb !== 'DELETE') {
    json = JSON.stringify(options.attrs || (model.toJSON ? model.toJSON(options) : {}));
  }
  let type = verb;
  if (emulateHTTP && (verb === 'PUT' || verb === 'PATCH' || verb === 'DELETE')) {
    type = 'POST';
    headers['x-http-method-override'] = verb;
  }

  let query: SyncRequest['query'];
  let body: string | undefined;
  let contentType: string | undefined;
  if (options.data != null) {
    if (type === 'GET' || type === 'DELETE') {
      query = options.data;
    } else {
      body = typeof options.data === 'string' ? options.data : formEncode(options.data);
      contentType = options.contentType ?? FORM;
    }
  } else if (emulateJSON) {
    const form: Record<string, string> = json === undefined ? {} : { model: json };
    if (type !== verb) form._method = verb;
    if (type !== 'GET' && type !== 'DELETE') {
      body = formEncode(form);
      contentType = EMULATED_FORM;
    }
  } else if (json !== undefined) {
    body = json;
    contentType = 'application/json';
  }
  if (contentType !== undefined && !hasHeader(options.headers, 'content-type')) {
    headers['content-type'] = contentType;
  }
  return { method: type, url: normalizeUrlScheme(url), query, headers, body, timeout };
}

function resultOf(model: SyncModel, property: 'url'): unknown {
  const value = model[property];
  return typeof value === 'function' ? (value as () => unknown).call(model) : value;
}

function checkedTimeout(timeout: unknown): number {
  if (timeout === Infinity) return 0;
  if (typeof timeout !== 'number' || !(timeout >= 0) || timeout > MAX_TIMEOUT_MS) {
    throw new TypeError(`timeout must be a number of ms from 0 (none) to ${MAX_TIMEOUT_MS}, got ${String(timeout)}`);
  }
  return timeout;
}

function hasHeader(headers: Record<string, string> | undefined, lowerName: string): boolean {
  if (!headers) return false;
  for (const name in headers) if (name.toLowerCase() === lowerName) return true;
  return false;
}

/** Thrown by `sync()` itself, so a misconfigured call fails before anything is sent or any callback runs. */
function refuseFramingHeaders(headers: Record<string, string> | undefined, from: string): void {
  if (headers == null || typeof headers !== 'object') return;
  const name = framingHeaderIn(headers);
  if (name !== undefined) throw new SyncError('ERR_INVALID_REQUEST', framingHeaderMessage(name, from));
}
