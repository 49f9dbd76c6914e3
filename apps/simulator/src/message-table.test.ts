import { describe, expect, it } from 'vitest';
import { formatMessageTable, messageTableRows } from './message-table.js';

describe('message table', () => {
  it('lists every message of the protocol with its direction and DATA length', () => {
    expect(formatMessageTable()).toBe(
      [
        'TYPE  NAME           DIRECTION   DATA',
        '0x01  ACK            both           0',
        '0x02  NAK            both           1',
        '0x10  POLL           host → VMC     0',
        '0x11  VEND           host → VMC    11',
        '0x12  SET_ACCEPT     host → VMC     1',
        '0x13  PAYOUT         host → VMC     0',
        '0x14  SET_TEMP       host → VMC     2',
        '0x15  RESET          host → VMC     0',
        '0x40  STATUS         VMC → host    10',
        '0x41  VEND_RESULT    VMC → host    11',
        '0x42  CREDIT         VMC → host     9',
        '0x43  PAYOUT_RESULT  VMC → host     8',
        '0x44  SELECTION      VMC → host     2',
        '0x45  EVENT          VMC → host     5',
        '0x46  HELLO          VMC → host    27',
      ].join('\n'),
    );
  });

  it('has one row of four cells per message', () => {
    const rows = messageTableRows();
    expect(rows).toHaveLength(15);
    for (const row of rows) expect(row).toHaveLength(4);
  });
});
