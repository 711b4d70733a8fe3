// The plain data types of a request and its progress, imported by the modules that lib/types.ts itself
// imports (errors, handle, header names): kept apart so that the import graph has no circles.

/** The HTTP verbs Backbone's methods map to (`emulateHTTP` turns PUT, PATCH and DELETE into POST). */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A header set: names are matched case-insensitively; the built-in steps write them in lower case. */
export type Headers = Record<string, string>;

/** One step of an upload or a download (`options.progress` and the model's 'progress' event get it). */
export interface ProgressEvent {
  direction: 'upload' | 'download';
  /** Bytes sent or received so far. */
  loaded: number;
  /** All the bytes, when known (a Content-Length), else undefined. */
  total: number | undefined;
}
