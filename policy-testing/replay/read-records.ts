// Streams the lines of a decision-record log, a file or every file under a folder, one line at a time: a million
// records never sit in memory together.
import { createReadStream, statSync, readdirSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ReplayInputError } from '../errors.js';

export interface LogLine {
  /** The file, as LogInput names it. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly text: string;
  /** About the bytes of the line and its line break: progress over the input's total size. */
  readonly bytes: number;
}

export interface LogInput {
  /** The file as given, or a folder's files as the folder was given joined with their path inside it; sorted. */
  readonly files: readonly string[];
  readonly totalBytes: number;
}

/** The files under `path`, sorted, hidden ones left out; a missing path is a ReplayInputError naming it. */
export function listLogFiles(path: string): LogInput {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch {
    throw new ReplayInputError(`--log ${path}: no such file or folder; give a file of decision records or a folder of them`);
  }
  const files = stats.isDirectory() ? filesUnder(path) : [path];
  if (files.length === 0) throw new ReplayInputError(`--log ${path}: the folder holds no files`);
  return {
    files,
    totalBytes: files.reduce((sum, file) => sum + statSync(file).size, 0),
  };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith('.'))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return filesUnder(path);
      return entry.isFile() ? [path] : [];
    });
}

export async function* readLogLines(input: LogInput): AsyncGenerator<LogLine> {
  for (const file of input.files) {
    const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Number.POSITIVE_INFINITY });
    let line = 0;
    for await (const text of lines) {
      line++;
      // Characters, not bytes: close enough for a progress bar, and free.
      yield { file, line, text, bytes: text.length + 1 };
    }
  }
}
