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
const PAGE_BYTES = getconf('PAGESIZE', 4096);
/** Clock ticks per second, for stat's time fields. */
const CLOCK_TICKS = getconf('CLK_TCK', 100);

/** A system constant from getconf(1), or the usual Linux value when it cannot be read. */
function getconf(name: string, fallback: number): number {
  try {
    return Number(execFileSync('getconf', [name], { encoding: 'utf8' }).trim()) || fallback;
  } catch {
    return fallback;
  }
}

interface ProcEntry {
  ppid: number;
  rssPages: number;
  /** Executable name (stat's comm, at most 15 characters), e.g. "node", "chromium". */
  comm: string;
  /** utime + stime so far, in clock ticks. */
  cpuTicks: number;
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
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    table.set(pid, { ppid: Number(fields[1]), rssPages: Number(fields[21]), comm, cpuTicks: Number(fields[11]) + Number(fields[12]) });
  }
  return table;
}

/** `rootPid` and all its live descendants, with their resident pages. */
type TreeEntry = ProcEntry & { pid: number };

function treeOf(rootPid: number): TreeEntry[] {
  const table = readProcTable(rootPid + WRAP_MARGIN < PID_MAX ? rootPid : 0);
  const children = new Map<number, number[]>();
  for (const [pid, entry] of table) {
    const list = children.get(entry.ppid);
    if (list) list.push(pid);
    else children.set(entry.ppid, [pid]);
  }
  const tree: TreeEntry[] = [];
  const queue = table.has(rootPid) ? [rootPid] : [];
  while (queue.length > 0) {
    const pid = queue.pop() as number;
    tree.push({ pid, ...table.get(pid)! });
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** Sum of RSS (bytes) of `rootPid` and all its descendants; 0 once it has exited. Shared pages count once per process. */
export function treeRssBytes(rootPid: number): number {
  return treeOf(rootPid).reduce((sum, p) => sum + p.rssPages, 0) * PAGE_BYTES;
}

/**
 * PSS of one process in bytes (its private pages, plus each shared page
 * divided by the number of processes mapping it), from smaps_rollup; 0 when
 * it has exited or the file is not readable (another user's process).
 */
function pssBytes(pid: number): number {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'latin1'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export interface TreeMemory {
  /** Summed RSS: a page shared by Chromium's processes counts once per process (an overestimate). */
  rssBytes: number;
  /** Summed PSS: what the tree really holds; shared pages are split between their processes. */
  pssBytes: number;
  processes: number;
  tree: TreeEntry[];
}

/**
 * RSS and PSS of `rootPid` and all its descendants. PSS needs a walk of
 * every process's page tables (smaps_rollup), a few ms per Chromium
 * process, so only samplers that ask for it pay for it.
 */
export function treeMemory(rootPid: number, withPss: boolean): TreeMemory {
  const tree = treeOf(rootPid);
  return {
    rssBytes: tree.reduce((sum, p) => sum + p.rssPages, 0) * PAGE_BYTES,
    pssBytes: withPss ? tree.reduce((sum, p) => sum + pssBytes(p.pid), 0) : 0,
    processes: tree.length,
    tree,
  };
}

export interface PeakSample {
  /** Highest summed RSS seen. */
  peakBytes: number;
  /** Highest summed PSS seen (0 unless asked for). */
  peakPssBytes: number;
  /** Most processes in the tree at once. */
  peakProcesses: number;
  /**
   * CPU time (ms) by executable name (node, chromium, …): each process's
   * last sampled utime + stime, so a process that lived under one interval
   * is missed. Says where the tree's CPU went.
   */
  cpuMsByName: Record<string, number>;
  samples: number;
  /** Mean time (ms) one sample took in this process: the sampler's own cost. */
  meanSampleMs: number;
}

/** Samples the tree under `rootPid` every `intervalMs` until stop() is called; PSS too when `withPss`. */
export function samplePeakRss(rootPid: number, intervalMs = 50, withPss = false): { stop: () => PeakSample } {
  let peak = { rssBytes: 0, pssBytes: 0, processes: 0 };
  let samples = 0;
  let spentMs = 0;
  const lastCpu = new Map<number, { comm: string; ticks: number }>();
  const sample = (): void => {
    const started = performance.now();
    const now = treeMemory(rootPid, withPss);
    for (const p of now.tree) lastCpu.set(p.pid, { comm: p.comm, ticks: p.cpuTicks });
    peak = { rssBytes: Math.max(peak.rssBytes, now.rssBytes), pssBytes: Math.max(peak.pssBytes, now.pssBytes), processes: Math.max(peak.processes, now.processes) };
    spentMs += performance.now() - started;
    samples++;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      const cpuMsByName: Record<string, number> = {};
      for (const { comm, ticks } of lastCpu.values()) cpuMsByName[comm] = (cpuMsByName[comm] ?? 0) + (ticks * 1000) / CLOCK_TICKS;
      return { peakBytes: peak.rssBytes, peakPssBytes: peak.pssBytes, peakProcesses: peak.processes, cpuMsByName, samples, meanSampleMs: samples ? spentMs / samples : 0 };
    },
  };
}

/**
 * CPU time (ms, user + system) of this process's children that have been
 * waited for, with all of theirs: /proc/self/stat's cutime and cstime. Read
 * before and after a child exits, the difference is what the child's whole
 * tree used (Chromium reaps its renderers and node reaps Chromium).
 */
export function reapedChildrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 16 and 17 of stat (cutime, cstime) are 13 and 14 after the comm; in clock ticks.
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / CLOCK_TICKS;
}
