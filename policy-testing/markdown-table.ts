// Markdown table cells that cannot break their row: a `|` would end the cell early, a line break the row.
export function cells(values: readonly string[]): string {
  return values.map((value) => value.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')).join(' | ');
}
