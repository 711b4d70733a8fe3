/** Runs an example's `main` and exits: 0 when it finished, 1 (with the error printed) when it threw. */
export function runMain(main: () => Promise<void>): void {
  main().then(
    // A call settles as soon as it is aborted or times out; the steps around it (a logger's line) finish
    // unwinding just after, so the exit waits for the pending callbacks.
    () => setImmediate(() => process.exit(0)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
