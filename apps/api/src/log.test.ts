import { describe, expect, it } from 'vitest';
import { createLogger } from './log.js';

describe('logger', () => {
  it('writes one JSON object a line at or above its level, with child fields', () => {
    const lines: string[] = [];
    const log = createLogger('info', { service: 'api' }, (l) => lines.push(l));
    log.debug('hidden');
    log.child({ requestId: 'r1' }).warn('slow', { ms: 120 });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      level: 'warn',
      msg: 'slow',
      service: 'api',
      requestId: 'r1',
      ms: 120,
    });
  });
});
