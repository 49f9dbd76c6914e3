import { DATA_LENGTH, MESSAGE_DIRECTION, MESSAGE_TYPES, messageName, type MessageDirection } from '@vmcloud/protocol';

const DIRECTION_LABEL: Readonly<Record<MessageDirection, string>> = {
  both: 'both',
  'host-to-vmc': 'host → VMC',
  'vmc-to-host': 'VMC → host',
};

const HEADER = ['TYPE', 'NAME', 'DIRECTION', 'DATA'] as const;

/** Columns whose cells are right-aligned (numbers). */
const RIGHT_ALIGNED: ReadonlySet<number> = new Set([HEADER.indexOf('DATA')]);

/** The rows of the VMC serial protocol's message table: type byte, name, direction, DATA length. */
export function messageTableRows(): string[][] {
  return MESSAGE_TYPES.map((type) => [
    `0x${type.toString(16).padStart(2, '0')}`,
    messageName(type),
    DIRECTION_LABEL[MESSAGE_DIRECTION[type]],
    String(DATA_LENGTH[type]),
  ]);
}

/** The message table as plain text, one message a line, columns aligned. */
export function formatMessageTable(): string {
  const rows: readonly (readonly string[])[] = [HEADER, ...messageTableRows()];
  const widths = HEADER.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => {
          const width = widths[column] ?? cell.length;
          return RIGHT_ALIGNED.has(column) ? cell.padStart(width) : cell.padEnd(width);
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
