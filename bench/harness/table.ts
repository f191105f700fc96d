/** A Markdown table renderer whose output also reads well in a terminal (columns padded to equal width). */

/** Column alignment. */
export type Align = 'left' | 'right';

/** A column: header text and alignment (numbers right-aligned). */
export interface Column {
  readonly header: string;
  readonly align?: Align;
}

/** Render `rows` (cells as text) under `columns` as a padded Markdown table, one line per row. */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((column, index) => Math.max(3, column.header.length, ...rows.map((row) => (row[index] ?? '').length)));
  const pad = (text: string, index: number): string =>
    columns[index]!.align === 'right' ? text.padStart(widths[index]!) : text.padEnd(widths[index]!);
  const line = (cells: readonly string[]): string => `| ${cells.map((cell, index) => pad(cell, index)).join(' | ')} |`;
  const rule = `|${widths.map((width, index) => (columns[index]!.align === 'right' ? `${'-'.repeat(width + 1)}:` : `${'-'.repeat(width + 2)}`)).join('|')}|`;
  return [line(columns.map((column) => column.header)), rule, ...rows.map((row) => line(columns.map((_, index) => row[index] ?? '')))].join(
    '\n',
  );
}

/** A number with thousands separators and `digits` decimals (default 0); `–` for undefined. */
export function formatNumber(value: number | undefined, digits = 0): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Bytes as MB with one decimal; `–` for undefined. */
export function formatMegabytes(bytes: number | undefined): string {
  return bytes === undefined ? '–' : (bytes / 2 ** 20).toFixed(1);
}
