/** Small summary statistics and formatting for the benchmark report. */

export interface Summary {
  median: number;
  min: number;
  max: number;
}

/** Median (mean of the two middle values for an even count), min and max. */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error('summarize: no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

export const MB = 1024 * 1024;

/** Renders rows as left-aligned text columns separated by two spaces. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => (row[col] ?? '').length)));
  return rows.map((row) => row.map((cell, col) => cell.padEnd(widths[col]!)).join('  ').trimEnd()).join('\n');
}

/** "1.07×" */
export function ratio(a: number, b: number): string {
  return `${(a / b).toFixed(2)}×`;
}
