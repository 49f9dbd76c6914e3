/** The signed-in user's own pages. */
export default {
  menu: {
    home: 'Home',
    profile: 'My profile',
    changePassword: 'Change password',
  },
  profile: {
    title: 'My profile',
    username: 'Username',
    displayName: 'Name',
    tenant: 'Tenant',
    tenantCode: 'Tenant code',
    timeZone: 'Time zone',
    group: 'Group',
    groupAdmin: 'Group admin',
    permissions: 'Permissions',
    modules: 'Rented modules',
    sessionExpiresAt: 'Signed in until',
  },
};
