import { readFileSync } from 'node:fs';

/**
 * Whether a process with this id still runs (signal 0 checks without signalling). A zombie — a
 * process that has exited and waits to be reaped by its parent (init, for a killed orphan) —
 * does not run: it holds no memory and no port, only its entry in the process table.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false; // no /proc (macOS): signal 0 is all we can tell
  }
}
