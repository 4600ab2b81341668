const jsonLines = (text: string): string[] =>
  text.split('\n').filter((line) => {
    try {
      return typeof JSON.parse(line) === 'object';
    } catch {
      return false;
    }
  });

/**
 * Captures the JSON lines the handler writes to stdout while `work` runs. Anything else (the
 * test runner's own reporting protocol shares stdout) is passed through.
 */
export async function capturingStdout<T>(work: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk: string | Uint8Array) => {
    const json = typeof chunk === 'string' ? jsonLines(chunk) : [];
    if (json.length === 0) return write(chunk);
    lines.push(...json);
    return true;
  };
  try {
    return { result: await work(), lines };
  } finally {
    process.stdout.write = write;
  }
}
