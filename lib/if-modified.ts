import { LRUCache } from 'lru-cache';
import { wireUrl } from './wire-url';
import type { Headers, SyncInstance, SyncRequest, SyncResponse } from './types';

interface Validators {
  etag?: string;
  lastModified?: string;
}

/** URLs whose validators an instance remembers for `ifModified` reads (least recently used forgotten first). */
const REMEMBERED = 1000;
const byInstance = new WeakMap<SyncInstance, LRUCache<string, Validators>>();

/**
 * jQuery's `ifModified: true`: a read sends the `ETag` and `Last-Modified` its URL last answered with, as
 * `If-None-Match` and `If-Modified-Since`, so an unchanged resource answers 304 (textStatus 'notmodified').
 * Remembered per instance and per URL as sent (jQuery keeps them per URL for the page).
 */
export function addValidators(sync: SyncInstance, request: SyncRequest): void {
  const known = byInstance.get(sync)?.get(wireUrl(request));
  if (!known) return;
  if (known.etag !== undefined && !has(request.headers, 'if-none-match')) request.headers['if-none-match'] = known.etag;
  if (known.lastModified !== undefined && !has(request.headers, 'if-modified-since')) {
    request.headers['if-modified-since'] = known.lastModified;
  }
}

/** Remembers the validators of a successful `ifModified` read's answer, as jQuery does. */
export function rememberValidators(sync: SyncInstance, request: SyncRequest, response: SyncResponse): void {
  const { etag, 'last-modified': lastModified } = response.headers;
  if (etag === undefined && lastModified === undefined) return;
  let known = byInstance.get(sync);
  if (!known) byInstance.set(sync, (known = new LRUCache<string, Validators>({ max: REMEMBERED })));
  const key = wireUrl(request);
  const previous = known.get(key);
  known.set(key, { etag: etag ?? previous?.etag, lastModified: lastModified ?? previous?.lastModified });
}

function has(headers: Headers, lower: string): boolean {
  for (const name in headers) if (name.toLowerCase() === lower) return true;
  return false;
}
