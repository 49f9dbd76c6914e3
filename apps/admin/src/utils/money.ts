/** Money: the API counts fen (integers); the console shows yuan with two decimals. */

const YUAN = new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/**
 * `123456` -> `¥1,234.56`; `-250` -> `-¥2.50`; null/undefined -> `—`. Pass `{ symbol: false }`
 * for the bare number (`1,234.56`), as in a column whose header names the currency.
 */
export function formatMoney(fen: number | null | undefined, options: { symbol?: boolean } = {}): string {
  if (fen === null || fen === undefined || !Number.isFinite(fen)) return '—';
  const text = YUAN.format(Math.abs(fen) / 100);
  const sign = fen < 0 ? '-' : '';
  return options.symbol === false ? `${sign}${text}` : `${sign}¥${text}`;
}

/** Fen as a yuan number for an input (`ElInputNumber :precision="2"`): `1250` -> `12.5`. */
export function fenToYuan(fen: number): number {
  return fen / 100;
}

/** A yuan amount typed in an input, as fen: `12.5` -> `1250`; rounds away float noise (`0.1 + 0.2`). */
export function yuanToFen(yuan: number): number {
  return Math.round(yuan * 100);
}
