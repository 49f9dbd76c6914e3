/**
 * Who is signed in: `me` is the output of `auth.me` (user, tenant, permissions, rented
 * modules, restriction, forced password change). Loaded once when the console starts
 * (`load()`), set by the sign-in page (`signedIn(me)`), cleared by `signOut()`.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { fetchMe, logout, type Me } from '../api/auth';
import { failureCode } from '../api/client';

/**
 * - `unknown`: not asked yet; `loading`: asking the API;
 * - `signed-in` / `signed-out`: the API answered;
 * - `unreachable`: the API could not be asked (network down, server failing).
 */
export type SessionStatus = 'unknown' | 'loading' | 'signed-in' | 'signed-out' | 'unreachable';

export const useSessionStore = defineStore('session', () => {
  const me = ref<Me | null>(null);
  const status = ref<SessionStatus>('unknown');
  /** What made `status` unreachable, for the shell's error screen. */
  const error = ref<unknown>(null);
  let pending: Promise<void> | null = null;

  const user = computed(() => me.value?.user ?? null);
  const tenant = computed(() => me.value?.tenant ?? null);
  /** `expired` or `suspended` while the tenant may only renew its lease; null otherwise. */
  const restricted = computed(() => me.value?.restricted ?? null);
  const mustChangePassword = computed(() => me.value?.mustChangePassword ?? false);
  const permissions = computed(() => new Set(me.value?.permissions ?? []));
  const modules = computed(() => new Set(me.value?.modules ?? []));

  /** Whether the user holds the permission `code` (a `P.xxx` of `@vmcloud/api/catalog`). */
  function can(code: string): boolean {
    return permissions.value.has(code);
  }

  /** Whether the tenant rents the module `code` (a `MODULES[].code`). */
  function rents(code: string): boolean {
    return modules.value.has(code);
  }

  function signedIn(next: Me): void {
    me.value = next;
    status.value = 'signed-in';
    error.value = null;
  }

  /** Asks the API who is signed in; with `force` even when it already knows. */
  function load(force = false): Promise<void> {
    if (pending) return pending;
    if (!force && (status.value === 'signed-in' || status.value === 'signed-out')) return Promise.resolve();
    status.value = 'loading';
    pending = fetchMe()
      .then(signedIn, (cause: unknown) => {
        me.value = null;
        if (failureCode(cause) === 'UNAUTHORIZED') {
          status.value = 'signed-out';
          error.value = null;
        } else {
          status.value = 'unreachable';
          error.value = cause;
        }
      })
      .finally(() => {
        pending = null;
      });
    return pending;
  }

  /** Ends the session on the API (best effort: the user is signed out here whatever it answers). */
  async function signOut(): Promise<void> {
    try {
      await logout();
    } catch {
      // An expired session or an unreachable API: nothing more to end on this side.
    }
    me.value = null;
    status.value = 'signed-out';
  }

  /** After a password change the API keeps this session and drops the forced change. */
  function passwordChanged(): void {
    if (me.value) me.value = { ...me.value, mustChangePassword: false };
  }

  return {
    me,
    status,
    error,
    user,
    tenant,
    restricted,
    mustChangePassword,
    can,
    rents,
    load,
    signedIn,
    signOut,
    passwordChanged,
  };
});
