import { SyncError } from './errors';
import type { SyncContext, SyncResponse } from './types';

/** The body of a 2xx/304 response as this call wants it (also the cache's decoder for its entries). */
export function decodeBody(
  ctx: SyncContext,
  response: Pick<SyncResponse, 'status' | 'statusText' | 'text' | 'headers'>,
): unknown {
  const { status, text } = response;
  if (text === '' || status === 204 || status === 205 || status === 304) return undefined;
  if (ctx.options.dataType === 'text') return text;
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new SyncError('ERR_PARSE', (cause as Error).message, {
      method: ctx.request.method,
      url: ctx.request.url,
      status: response.status,
      responseText: response.text,
      headers: response.headers,
      statusText: response.statusText,
      cause,
    });
  }
}
