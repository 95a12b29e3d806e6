/**
 * The live progress renderer (cli/progress.ts), fed events as the runner
 * sends them: the exact frames it writes, and what a terminal shows after
 * them (tests/support/terminal-screen.ts).
 */
import { expect, test } from '@playwright/test';
import { liveProgress } from '../../cli/progress.js';
import { screen } from '../support/terminal-screen.js';

test('each event redraws the block in place: cursor up over it, each line cleared and rewritten', () => {
  const frames: string[] = [];
  const live = liveProgress(['main', 'alt-account'], (chunk) => frames.push(chunk));
  live.onProgress('main', { kind: 'logging-in' });
  live.onProgress('main', { kind: 'code-wait', seconds: 12, reason: 'a fresh TOTP window' });
  live.onProgress('alt-account', { kind: 'failed', code: 'BAD_CREDENTIALS', durationMs: 900 });
  live.onProgress('main', { kind: 'done', durationMs: 1712, kept: false });
  expect(frames).toEqual([
    '\x1b[2Kmain         logging in…\n\x1b[2Kalt-account  waiting\n',
    '\x1b[2A\x1b[2Kmain         waiting 12 s for a fresh TOTP window\n\x1b[2Kalt-account  waiting\n',
    '\x1b[2A\x1b[2Kmain         waiting 12 s for a fresh TOTP window\n\x1b[2Kalt-account  failed (BAD_CREDENTIALS)\n',
    '\x1b[2A\x1b[2Kmain         done in 1.7 s\n\x1b[2Kalt-account  failed (BAD_CREDENTIALS)\n',
  ]);
  expect(screen(frames.join(''))).toEqual(['main         done in 1.7 s', 'alt-account  failed (BAD_CREDENTIALS)']);
});

test('a warning is printed above the block, which stays below it; a kept session and unknown accounts', () => {
  let output = '';
  const live = liveProgress(['a', 'b'], (chunk) => (output += chunk));
  live.onProgress('a', { kind: 'logging-in' });
  live.log('[a] warning: The portal\'s clock is 3.0 s ahead of this machine\'s.');
  live.onProgress('b', { kind: 'done', durationMs: 5, kept: true });
  live.onProgress('zzz', { kind: 'logging-in' }); // not in this run: ignored
  expect(screen(output)).toEqual(["[a] warning: The portal's clock is 3.0 s ahead of this machine's.", 'a  logging in…', 'b  done (kept the session another run saved)']);
});

test('lines are cut to the terminal width, so a wrapped line never breaks the count of rows to go back up', () => {
  let output = '';
  const live = liveProgress(['account'], (chunk) => (output += chunk), 20);
  live.onProgress('account', { kind: 'code-wait', seconds: 300, reason: 'the code email in INBOX (at most)' });
  expect(screen(output)).toEqual(['account  waiting 3…']);
  expect(screen(output)[0]!.length).toBeLessThan(20);
});
