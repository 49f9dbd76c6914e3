/** People: the tenant's roles with the permissions this tenant may put in a role. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { grantablePermissions, listRoles, type GrantablePermission, type Role } from '../api/people';

export const useRolesStore = defineStore('people-roles', () => {
  const roles = ref<Role[]>([]);
  const grantable = ref<GrantablePermission[]>([]);
  const loading = ref(false);
  const error = ref<unknown>(null);

  async function load(): Promise<void> {
    loading.value = true;
    error.value = null;
    try {
      const [r, p] = await Promise.all([listRoles(), grantablePermissions()]);
      roles.value = r;
      grantable.value = p;
    } catch (e) {
      error.value = e;
    } finally {
      loading.value = false;
    }
  }

  return { roles, grantable, loading, error, load };
});
