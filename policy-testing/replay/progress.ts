// The replay's progress bar on stderr: drawn only on a terminal, so logs and CI output stay clean.
import type { ReplayProgress } from './replay.js';

export interface ProgressBar {
  update(progress: ReplayProgress): void;
  done(): void;
}

const WIDTH = 30;

/** What the bar needs of stderr; `isTTY` is true only on a terminal. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

export function progressBar(stream: ProgressStream): ProgressBar {
  if (!stream.isTTY) return { update: () => undefined, done: () => undefined };
  let drawn = false;
  return {
    update({ records, bytesRead, totalBytes, elapsedMs }) {
      const share = totalBytes === 0 ? 1 : Math.min(bytesRead / totalBytes, 1);
      const filled = Math.round(share * WIDTH);
      const rate = Math.round(records / Math.max(elapsedMs / 1000, 0.001));
      stream.write(
        `\r[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${Math.floor(share * 100)}% ` +
          `${records.toLocaleString('en-US')} records, ${rate.toLocaleString('en-US')} records/s`,
      );
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\n');
    },
  };
}
