// Fits a markdown report into one GitHub comment: cut at a line boundary below GitHub's limit, open code fences and
// <details> blocks closed, and a closing note that says how much was left out and links to the full report.

/** GitHub refuses a comment body longer than this ("Body is too long (maximum is 65536 characters)"). */
export const GITHUB_COMMENT_LIMIT = 65_536;

/**
 * The budget in UTF-8 bytes. Bytes are never fewer than characters, however GitHub counts them (code points or
 * UTF-16 units), so a body within it is within the limit; the margin leaves room for the marker the workflow prepends.
 */
export const DEFAULT_BUDGET_BYTES = 60_000;

export interface TruncateOptions {
  /** Where the whole report can be read: the artifact the workflow uploaded. */
  readonly fullReportUrl: string;
  /** @default DEFAULT_BUDGET_BYTES */
  readonly budgetBytes?: number;
}

export type CommentBody =
  | { readonly kind: 'complete'; readonly body: string }
  | { readonly kind: 'truncated'; readonly body: string; readonly keptLines: number; readonly omittedLines: number };

/** Open blocks at a point of the text, innermost last, so they can be closed in reverse. */
interface OpenBlocks {
  /** The fence that opened the code block we are in (``` or ~~~, possibly longer), or none. */
  readonly fence: string | null;
  readonly details: number;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

export function truncateComment(report: string, { fullReportUrl, budgetBytes = DEFAULT_BUDGET_BYTES }: TruncateOptions): CommentBody {
  if (byteLength(report) <= budgetBytes) return { kind: 'complete', body: report };
  const lines = report.endsWith('\n') ? report.slice(0, -1).split('\n') : report.split('\n');
  // The longest note this report can need: with every line omitted, its count has the most digits.
  const noteReserve = byteLength(truncationNote(lines.length, lines.length, fullReportUrl));
  let kept = 0;
  let keptBytes = 0;
  let open: OpenBlocks = { fence: null, details: 0 };
  for (const line of lines) {
    const next = blocksAfter(open, line);
    const lineBytes = byteLength(line) + 1;
    if (keptBytes + lineBytes + byteLength(closers(next)) + noteReserve > budgetBytes) break;
    kept += 1;
    keptBytes += lineBytes;
    open = next;
  }
  const omitted = lines.length - kept;
  const text = lines
    .slice(0, kept)
    .map((line) => `${line}\n`)
    .join('');
  const body = `${text}${closers(open)}${truncationNote(omitted, lines.length, fullReportUrl)}`;
  return { kind: 'truncated', body, keptLines: kept, omittedLines: omitted };
}

/** The note after the cut: what was left out, why, and where the rest is. */
export function truncationNote(omittedLines: number, totalLines: number, fullReportUrl: string): string {
  return (
    `\n---\n**Truncated:** ${omittedLines.toLocaleString('en-US')} of ${totalLines.toLocaleString('en-US')} lines left out ` +
    `to stay under GitHub's ${GITHUB_COMMENT_LIMIT.toLocaleString('en-US')}-character comment limit. ` +
    `[Download the full report](${fullReportUrl}) (a workflow artifact), or read it in the job summary.\n`
  );
}

function blocksAfter(open: OpenBlocks, line: string): OpenBlocks {
  const fence = FENCE.exec(line)?.[1];
  if (open.fence !== null) {
    // A fence closes with the same character, at least as long, and nothing after it but spaces (CommonMark 4.5).
    const closes = fence !== undefined && fence[0] === open.fence[0] && fence.length >= open.fence.length;
    return closes && line.trim() === fence ? { ...open, fence: null } : open;
  }
  if (fence !== undefined) return { ...open, fence };
  const opened = (line.match(/<details\b/gi) ?? []).length;
  const closed = (line.match(/<\/details>/gi) ?? []).length;
  return { ...open, details: Math.max(0, open.details + opened - closed) };
}

function closers(open: OpenBlocks): string {
  return `${open.fence === null ? '' : `${open.fence}\n`}${'</details>\n'.repeat(open.details)}`;
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
