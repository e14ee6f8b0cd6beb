// The replay's progress bar: drawn in place on a terminal (share of the input read, records, records/s), never
// anywhere else, so a CI log or a redirected stderr holds no carriage returns.
import { describe, expect, it } from 'vitest';
import { progressBar } from '../../../policy-testing/replay/progress.js';

function stream(isTTY: boolean) {
  const written: string[] = [];
  return { written, isTTY, write: (text: string) => written.push(text) };
}

const progress = { lines: 4000, records: 2000, bytesRead: 500, totalBytes: 1000, elapsedMs: 250 };

describe('the progress bar', () => {
  it('on a terminal, redraws one line with the share read, the records and records/s, and ends it when done', () => {
    // arrange
    const terminal = stream(true);
    const bar = progressBar(terminal);

    // act
    bar.update(progress);
    bar.done();

    // assert
    expect(terminal.written).toEqual(['\r[###############---------------] 50% 2,000 records, 8,000 records/s', '\n']);
  });

  it('writes nothing when stderr is not a terminal', () => {
    // arrange
    const pipe = stream(false);
    const bar = progressBar(pipe);

    // act
    bar.update(progress);
    bar.done();

    // assert
    expect(pipe.written).toEqual([]);
  });
});
