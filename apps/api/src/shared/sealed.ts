/**
 * Reading sealed contact details (phone numbers, e-mail addresses) for display.
 */
import { DecryptionError, type DbHandle, type Keyring, type SealedPlace } from '@vmcloud/db';

/**
 * Opens a sealed contact detail stored at `place`; null when there is none, or when the
 * value does not open there (copied from another row, or sealed with a key this instance
 * cannot open): a list of users or tenants still shows, without the value.
 */
export async function openOrNull(
  keyring: Keyring,
  sealed: string | null,
  place: SealedPlace,
  via?: DbHandle,
): Promise<string | null> {
  if (sealed === null) return null;
  try {
    return await keyring.decrypt(sealed, place, via);
  } catch (error) {
    if (error instanceof DecryptionError) return null;
    throw error;
  }
}
