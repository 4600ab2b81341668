/**
 * Peak resident memory of a process tree: a process and every descendant (Chromium's browser,
 * renderer, GPU and utility processes), sampled from /proc every ~100 ms. Linux only.
 *
 * RSS counts pages shared between Chromium's processes once per process, so the tree's sum is
 * higher than the memory actually used; both engines are measured the same way.
 */
import { readdir, readFile } from 'node:fs/promises';

export interface TreeMemory {
  /** Highest sum of VmRSS over the tree seen in one sample, bytes. */
  readonly peakTreeBytes: number;
  /** Highest VmRSS of the root process alone, bytes. */
  readonly peakRootBytes: number;
  /** Most processes in the tree in one sample. */
  readonly peakProcesses: number;
  readonly samples: number;
}

export interface TreeMemorySampler {
  /** Stops sampling (after one last sample) and returns the peaks. */
  stop(): Promise<TreeMemory>;
}

export function sampleTreeMemory(rootPid: number, intervalMs = 100): TreeMemorySampler {
  let peakTreeBytes = 0;
  let peakRootBytes = 0;
  let peakProcesses = 0;
  let samples = 0;
  let running = true;
  const sampleOnce = async () => {
    const tree = await descendantsOf(rootPid);
    const sizes = await Promise.all(tree.map((pid) => residentBytesOf(pid)));
    const total = sizes.reduce((sum, bytes) => sum + bytes, 0);
    peakTreeBytes = Math.max(peakTreeBytes, total);
    peakRootBytes = Math.max(peakRootBytes, sizes[0] ?? 0);
    peakProcesses = Math.max(peakProcesses, sizes.filter((bytes) => bytes > 0).length);
    samples += 1;
  };
  const loop = (async () => {
    while (running) {
      const started = Date.now();
      await sampleOnce();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, intervalMs - (Date.now() - started))));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      await sampleOnce();
      return { peakTreeBytes, peakRootBytes, peakProcesses, samples };
    },
  };
}

/** The root and every process below it (walking the parent pid of every process in /proc). */
async function descendantsOf(rootPid: number): Promise<number[]> {
  const entries = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const parents = await Promise.all(entries.map((name) => parentPidOf(Number(name))));
  const children = new Map<number, number[]>();
  entries.forEach((name, index) => {
    const parent = parents[index];
    if (parent === undefined) return;
    children.set(parent, [...(children.get(parent) ?? []), Number(name)]);
  });
  const tree = [rootPid];
  for (let index = 0; index < tree.length; index += 1) tree.push(...(children.get(tree[index] ?? -1) ?? []));
  return tree;
}

/** Field 4 of /proc/<pid>/stat; the command name (field 2) may hold spaces and parentheses. */
async function parentPidOf(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (!stat) return undefined; // the process ended between readdir and now
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[1]);
}

async function residentBytesOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kilobytes = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  return kilobytes ? Number(kilobytes) * 1024 : 0;
}
