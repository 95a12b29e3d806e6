/**
 * Peak memory of a whole process tree (a child plus every descendant: node
 * and all Chromium processes), sampled from /proc. This kernel has no
 * /proc/<pid>/task/<tid>/children, so a sample reads /proc/<pid>/stat (ppid
 * and rss are both there) of each process with a pid ≥ the root's: pids are
 * handed out upwards, so descendants are among them, and skipping the older
 * processes makes a sample several times cheaper. Near pid_max (where pids
 * wrap) every process is read.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Bytes per page, for stat's rss field (in pages). */
const PAGE_BYTES = pageSize();

function pageSize(): number {
  try {
    return Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim()) || 4096;
  } catch {
    return 4096;
  }
}

interface ProcEntry {
  ppid: number;
  rssPages: number;
}

/**
 * Pids (threads use them too) may wrap to low numbers during a run started
 * this close to pid_max (often 32768): then scan everything. One login burns
 * a few hundred pids.
 */
const WRAP_MARGIN = 5000;

function pidMax(): number {
  try {
    return Number(readFileSync('/proc/sys/kernel/pid_max', 'latin1').trim()) || 32768;
  } catch {
    return 32768;
  }
}

const PID_MAX = pidMax();

/** ppid and resident pages of every live process with pid ≥ minPid; processes that exit mid-scan are skipped. */
function readProcTable(minPid: number): Map<number, ProcEntry> {
  const table = new Map<number, ProcEntry>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid < minPid) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    } catch {
      continue;
    }
    // comm (field 2) may hold spaces and parentheses: split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    table.set(pid, { ppid: Number(fields[1]), rssPages: Number(fields[21]) });
  }
  return table;
}

/** Sum of RSS (bytes) of `rootPid` and all its descendants; 0 once it has exited. Shared pages count once per process. */
export function treeRssBytes(rootPid: number): number {
  const table = readProcTable(rootPid + WRAP_MARGIN < PID_MAX ? rootPid : 0);
  const children = new Map<number, number[]>();
  for (const [pid, entry] of table) {
    const list = children.get(entry.ppid);
    if (list) list.push(pid);
    else children.set(entry.ppid, [pid]);
  }
  let pages = 0;
  const queue = table.has(rootPid) ? [rootPid] : [];
  while (queue.length > 0) {
    const pid = queue.pop() as number;
    pages += table.get(pid)?.rssPages ?? 0;
    queue.push(...(children.get(pid) ?? []));
  }
  return pages * PAGE_BYTES;
}

export interface PeakSample {
  peakBytes: number;
  samples: number;
  /** Mean time (ms) one sample took in this process: the sampler's own cost. */
  meanSampleMs: number;
}

/** Samples the tree under `rootPid` every `intervalMs` until stop() is called. */
export function samplePeakRss(rootPid: number, intervalMs = 50): { stop: () => PeakSample } {
  let peakBytes = 0;
  let samples = 0;
  let spentMs = 0;
  const sample = (): void => {
    const started = performance.now();
    peakBytes = Math.max(peakBytes, treeRssBytes(rootPid));
    spentMs += performance.now() - started;
    samples++;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      return { peakBytes, samples, meanSampleMs: samples ? spentMs / samples : 0 };
    },
  };
}
