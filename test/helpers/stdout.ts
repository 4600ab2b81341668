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
export const capturingStdout = <T>(work: () => Promise<T>) => capturing(process.stdout, work);

/** The same for stderr (where loggers write warnings and errors). */
export const capturingStderr = <T>(work: () => Promise<T>) => capturing(process.stderr, work);

async function capturing<T>(
  stream: NodeJS.WriteStream,
  work: () => Promise<T>,
): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const write = stream.write.bind(stream);
  stream.write = (chunk: string | Uint8Array) => {
    const json = typeof chunk === 'string' ? jsonLines(chunk) : [];
    if (json.length === 0) return write(chunk);
    lines.push(...json);
    return true;
  };
  try {
    return { result: await work(), lines };
  } finally {
    stream.write = write;
  }
}
