import { flushPromises } from '@vue/test-utils';

/**
 * Lets a mounted view finish what it started: its API calls, the renders after them, and
 * Element Plus's short timers (a popper, a form item's message), a few rounds over.
 */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await new Promise((r) => setTimeout(r, 10));
    await flushPromises();
  }
}
