import { describe, expect, it } from 'vitest';
import { kioskInput, type KioskActions } from './kiosk-input.js';
import { Logger } from './log.js';

function recorder() {
  const done: unknown[][] = [];
  const lines: { type: string }[] = [];
  const actions: KioskActions = {
    select: async (channel) => void done.push(['select', channel]),
    redeemGiftCode: async (channel, code) => void done.push(['gift', channel, code]),
    cancel: () => void done.push(['cancel']),
  };
  const logger = new Logger({ write: (text) => void lines.push(JSON.parse(text) as { type: string }) });
  return { done, lines, actions, logger };
}

describe('kioskInput', () => {
  it('selects, redeems a gift code and cancels', () => {
    const { done, actions, logger, lines } = recorder();
    kioskInput('select 3', actions, logger);
    kioskInput('  gift 5 GIFT-1  ', actions, logger);
    kioskInput('cancel', actions, logger);
    kioskInput('', actions, logger);
    expect(done).toEqual([['select', 3], ['gift', 5, 'GIFT-1'], ['cancel']]);
    expect(lines).toEqual([]);
  });

  it.each(['select', 'select 0', 'select two', 'gift 5', 'cancel now', 'vend 3'])('does not understand %j', (input) => {
    const { done, actions, logger, lines } = recorder();
    kioskInput(input, actions, logger);
    expect(done).toEqual([]);
    expect(lines).toMatchObject([{ type: 'kiosk_input_unknown', input }]);
  });
});
