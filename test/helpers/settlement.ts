import type { SyncHandle, SyncOptions } from '../../lib/index';

export interface Settlement {
  success: number;
  error: number;
  complete: number;
  textStatus?: string;
  status?: number;
  error0?: { code?: string; message?: string; responseText?: string; status?: number; textStatus?: string };
  outcome: 'resolved' | 'rejected';
  ms: number;
}

/**
 * Runs one call and records how it settled: how often each callback ran and what the promise did.
 * Waits `linger` ms after the promise settles so a second, late settlement would be counted too.
 */
export async function settle(start: (options: SyncOptions) => SyncHandle, linger = 30): Promise<Settlement> {
  const counts = { success: 0, error: 0, complete: 0 };
  let errorSeen: Settlement['error0'];
  let textStatus: string | undefined;
  const started = Date.now();
  const options: SyncOptions = {
    success: () => void counts.success++,
    error: (xhr, status) => {
      counts.error++;
      errorSeen = xhr;
      textStatus = status;
    },
    complete: (_xhr, status) => {
      counts.complete++;
      textStatus ??= status;
    },
  };
  const handle = start(options);
  let outcome: Settlement['outcome'];
  try {
    await handle;
    outcome = 'resolved';
  } catch {
    outcome = 'rejected';
  }
  const ms = Date.now() - started;
  await new Promise((resolve) => setTimeout(resolve, linger));
  return { ...counts, textStatus, status: handle.status, error0: errorSeen, outcome, ms };
}

/** The active handles of the process, by type, for leak checks. */
export function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}
