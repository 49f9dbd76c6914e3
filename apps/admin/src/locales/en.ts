import type { Messages } from './zh-CN';

const en: Messages = {
  app: {
    title: 'VMCloud vending machine cloud',
  },
  language: {
    label: 'Language',
  },
  signIn: {
    title: 'Sign in',
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
};

export default en;
