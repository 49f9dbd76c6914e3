/**
 * CSV as RFC 4180 writes it: fields separated by commas, records ended by CRLF, a field
 * quoted when it holds a comma, a quote, CR or LF (a quote inside doubled). Text typed by
 * people (names, addresses) that starts with = + - @ or a tab gets a leading apostrophe,
 * so that a spreadsheet shows it rather than running it as a formula.
 */

export type Cell = string | number | null | undefined;

/** A field as written: numbers and plain text as they are, the rest quoted. */
export function csvField(value: Cell): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, CRLF-terminated. */
export function csvRecord(cells: readonly Cell[]): string {
  return `${cells.map(csvField).join(',')}\r\n`;
}

/** Text typed by a person, made safe to open in a spreadsheet. */
export function userText(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** Fen as yuan with two decimals (`1234` -> `12.34`), without going through floating point. */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
