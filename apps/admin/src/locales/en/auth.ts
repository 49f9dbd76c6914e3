/** Signing in and the password change. */
export default {
  signIn: {
    title: 'Sign in',
    subtitle: 'Vending operations console',
    tenantCode: 'Tenant code',
    tenantCodePlaceholder: '6 digits',
    username: 'Username',
    password: 'Password',
    submit: 'Sign in',
    succeeded: 'Signed in',
    unreachable: 'Cannot reach the server. Please try again later.',
    errors: {
      tenantCodeRequired: 'Enter your tenant code',
      tenantCodeFormat: 'The tenant code is 6 digits',
      usernameRequired: 'Enter your username',
      passwordRequired: 'Enter your password',
    },
  },
  changePassword: {
    title: 'Change password',
    forced: 'Your password was just set or reset: choose a new one before you go on.',
    currentPassword: 'Current password',
    newPassword: 'New password',
    confirmPassword: 'Confirm the new password',
    rule: '8–25 letters, digits or underscores',
    submit: 'Change password',
    succeeded: 'Password changed',
    signOut: 'Sign out',
    errors: {
      currentRequired: 'Enter your current password',
      newRequired: 'Enter a new password',
      newFormat: 'The new password must be 8–25 letters, digits or underscores',
      sameAsCurrent: 'The new password must differ from the current one',
      confirmMismatch: 'The two new passwords differ',
    },
  },
};
