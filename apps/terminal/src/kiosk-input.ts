/**
 * What a customer does at the kiosk screen, as lines of text until the screen exists (the
 * terminal reads them on stdin): `select CHANNEL`, `gift CHANNEL CODE`, `cancel`.
 */
import type { Logger } from './log.js';

export interface KioskActions {
  select(channel: number): Promise<void>;
  redeemGiftCode(channel: number, code: string): Promise<void>;
  cancel(): void;
}

const HELP = 'select CHANNEL | gift CHANNEL CODE | cancel';

/** Acts on one line; anything else is logged as not understood. */
export function kioskInput(line: string, actions: KioskActions, logger: Logger): void {
  const words = line
    .trim()
    .split(/\s+/)
    .filter((word) => word !== '');
  const [command, first, second] = words;
  if (command === undefined) return;
  const channel = Number(first);
  const validChannel = first !== undefined && /^[1-9][0-9]*$/.test(first);
  if (command === 'select' && validChannel && words.length === 2) {
    void actions.select(channel);
    return;
  }
  if (command === 'gift' && validChannel && second !== undefined && words.length === 3) {
    void actions.redeemGiftCode(channel, second);
    return;
  }
  if (command === 'cancel' && words.length === 1) {
    actions.cancel();
    return;
  }
  logger.warn('kiosk_input_unknown', { input: line.trim(), expected: HELP });
}
