import { constants } from 'node:os';

/** What schedulers send to stop a job: Ctrl-C, systemd/Kubernetes stop, a closed terminal. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Stops the process promptly on a stop signal, even mid-wait for a TOTP
 * window: without this Node kept sleeping after Chromium died and later
 * reported BROWSER_CLOSED. `cleanup` closes the browser (bounded to 2 s);
 * then the process exits 128 + the signal's number, the shell convention.
 * Sessions are saved by rename, so the last good one is never half-written.
 * This is the one place besides the CLI entry that ends the process.
 */
export function stopOnSignals(cleanup: () => Promise<void>, say: (text: string) => void, whatIsKept: string): void {
  let stopping = false;
  for (const signal of STOP_SIGNALS) {
    // `on`, not `once`: proper-lockfile's signal-exit re-raises a signal once its own listeners are the only ones left,
    // which killed the process by the signal itself (no 128 + n status) whenever no browser was open to add Playwright's.
    process.on(signal, () => {
      if (stopping) return; // a second signal changes nothing: the exit is at most 2 s away
      stopping = true;
      say(`Stopped by ${signal}; ${whatIsKept}`);
      const bounded = Promise.race([cleanup().catch(() => undefined), new Promise((done) => setTimeout(done, 2000).unref())]);
      void bounded.then(() => process.exit(128 + constants.signals[signal]));
    });
  }
}
