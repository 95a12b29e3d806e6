/**
 * The README's scheduling examples are run, not just shown: the systemd
 * units and the crontab line are parsed, their paths swapped for a demo
 * workspace, and their commands run against a demo portal (the holiday
 * check included, on a day that is and one that is not a holiday).
 */
import { test, expect } from '../support/fixtures.js';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Cron } from 'croner';
import { localDate } from '../../app/schedule.js';
import { CLI, ROOT, runCli } from '../support/cli.js';

type Ini = Record<string, Record<string, string[]>>;

/** systemd's unit syntax, the part these files use: [Section], Key=Value (repeatable), # and ; comments. */
function parseUnit(text: string): Ini {
  const ini: Ini = {};
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) ini[(section = header[1]!)] = {};
    else {
      const eq = line.indexOf('=');
      expect(eq, `not Key=Value: ${line}`).toBeGreaterThan(0);
      ((ini[section] ??= {})[line.slice(0, eq)] ??= []).push(line.slice(eq + 1));
    }
  }
  return ini;
}

const BIN = '/usr/local/bin/portal-login';
const HOME = '/srv/portal-login';

/**
 * The example's command with the install paths swapped for this
 * workspace's, and --min-valid cut to 30m: the demo portal's sessions last
 * an hour, so 8h would log in at every run.
 */
const localise = (command: string, dir: string) =>
  command.replaceAll(BIN, `${process.execPath} ${CLI}`).replaceAll(HOME, dir).replaceAll('--min-valid 8h', '--min-valid 30m');

const sh = (script: string, cwd: string, env: Record<string, string>) =>
  new Promise<{ status: number; stdout: string; stderr: string }>((done) => {
    execFile('/bin/sh', ['-c', script], { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORTAL_LOGIN_LEDGER_DIR: join(cwd, '.ledger'), ...env } }, (error, stdout, stderr) =>
      done({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });

test('systemd timer + service and the crontab line: their commands run against the demo portal, and skip a holiday', async ({ portal, demoWorkspace }) => {
  test.setTimeout(90_000);
  const ws = await demoWorkspace(portal.url, ['classic'], ['demo38'], (c) => void (c.schedule = { cron: '30 8 * * 1-5', timeZone: 'Asia/Kolkata', holidays: 'holidays.txt' }));
  const holidays = join(ws.dir, 'holidays.txt');
  await writeFile(holidays, '# none today\n2020-01-01\n');
  const read = async (path: string) => readFile(join(ROOT, 'examples', path), 'utf8');

  const timer = parseUnit(await read('systemd/portal-login-refresh.timer'));
  expect(timer.Timer).toMatchObject({ OnCalendar: ['Mon..Fri *-*-* 08:30:00 Asia/Kolkata'], Unit: ['portal-login-refresh.service'], Persistent: ['true'] });
  expect(timer.Install?.WantedBy).toEqual(['timers.target']);

  const service = parseUnit(await read('systemd/portal-login-refresh.service'));
  expect(service.Service).toMatchObject({ Type: ['oneshot'], WorkingDirectory: [HOME], SuccessExitStatus: ['143'] });
  // systemd writes % as %%; the condition is a shell line whose exit 1 makes systemd skip the run.
  const condition = /^\/bin\/sh -c '(.+)'$/.exec(service.Service!.ExecCondition![0]!)?.[1]?.replaceAll('%%', '%');
  expect(condition).toBeDefined();
  expect((await sh(localise(condition!, ws.dir), ws.dir, {})).status).toBe(0);
  const refresh = await sh(localise(service.Service!.ExecStart![0]!, ws.dir), ws.dir, ws.env);
  expect(refresh.status, refresh.stderr).toBe(0);
  expect(refresh.stdout).toMatch(/^demo38: logged in \(no saved session\); session saved to /);

  const daemon = parseUnit(await read('systemd/portal-login-schedule.service'));
  expect(daemon.Service).toMatchObject({ Type: ['simple'], Restart: ['on-failure'], SuccessExitStatus: ['143'] });
  const dryRun = await sh(`${localise(daemon.Service!.ExecStart![0]!, ws.dir)} --dry-run --count 2 --from 2026-12-24T00:00:00Z`, ws.dir, ws.env);
  expect(dryRun.status, dryRun.stderr).toBe(0);
  expect(dryRun.stdout.split('\n').slice(1, 3)).toEqual(['Thu 2026-12-24 08:30 Asia/Kolkata  2026-12-24T03:00:00.000Z', 'Fri 2026-12-25 08:30 Asia/Kolkata  2026-12-25T03:00:00.000Z']);

  const crontab = (await read('cron/portal-login.crontab')).split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
  expect(crontab[0]).toBe('CRON_TZ=Asia/Kolkata');
  const job = /^(\S+ \S+ \S+ \S+ \S+)\s+(.+)$/.exec(crontab[1]!);
  expect(job?.[1]).toBe('30 8 * * 1-5');
  expect(new Cron(job![1]!, { timezone: 'Asia/Kolkata', paused: true }).nextRun()).not.toBeNull();
  const cronCommand = localise(job![2]!.replaceAll('\\%', '%'), ws.dir); // cron's own unescaping
  const kept = await sh(cronCommand, ws.dir, ws.env);
  expect(kept.status).toBe(0);
  expect(await readFile(join(ws.dir, 'refresh.log'), 'utf8')).toMatch(/^demo38: kept \(valid until /);

  // Today a holiday (in India's calendar): the condition fails, and the cron line runs nothing.
  await writeFile(holidays, `${localDate(new Date(), 'Asia/Kolkata')}  # today\n`);
  expect((await sh(localise(condition!, ws.dir), ws.dir, {})).status).toBe(1);
  await writeFile(join(ws.dir, 'refresh.log'), '');
  expect((await sh(cronCommand, ws.dir, ws.env)).status).toBe(0);
  expect(await readFile(join(ws.dir, 'refresh.log'), 'utf8')).toBe('');
  expect(portal.loginAttempts('demo38')).toBe(1);
  // The same dates reach the scheduler: runCli with --dry-run reads the same file without complaint.
  const check = await runCli(['schedule', '--dry-run', '--count', '1', '--config', ws.configPath], { cwd: ws.dir });
  expect(check.status, check.stderr).toBe(0);
});
