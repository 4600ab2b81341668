/**
 * Processes found by an environment variable they inherited. A scraper worker's Chromium cannot
 * be found through the worker: puppeteer launches it detached (a process group and session of
 * its own), and when the worker dies it is re-parented to init. But it inherits the worker's
 * environment, so a marker variable set on the worker names every process it started, however
 * deep. Linux reads /proc; elsewhere nothing is found (and nothing is killed).
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Ids of the processes whose environment holds `variable` with a value starting with `prefix`. */
export function processesMarked(variable: string, prefix: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const wanted = `${variable}=${prefix}`;
  return entries.flatMap((entry) => {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) return [];
    try {
      const environment = readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0');
      return environment.some((pair) => pair.startsWith(wanted)) ? [Number(entry)] : [];
    } catch {
      return []; // gone meanwhile, or not ours to read
    }
  });
}

/** SIGKILLs every process marked so; returns their ids. */
export function killMarked(variable: string, value: string): number[] {
  const marked = processesMarked(variable, value);
  for (const pid of marked) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return marked;
}

/** The parent process id of `pid` (undefined when it is gone or /proc is not there). */
export function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}
