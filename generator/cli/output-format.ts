// The `--format` option of validate and generate: how diagnostics are printed.
import { UsageError } from '../../common/cli/command-line.js';
import { OUTPUT_FORMATS, type OutputFormat } from '../diagnostics/format.js';

/** `text` when absent; a usage error names the formats for anything else. */
export function outputFormatOf(value: string | undefined): OutputFormat {
  const format = value ?? 'text';
  if (!isOutputFormat(format)) throw new UsageError(`unknown --format "${format}"; use one of ${OUTPUT_FORMATS.join(', ')}`);
  return format;
}

function isOutputFormat(value: string): value is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(value);
}
