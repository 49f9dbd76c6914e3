import { describe, expect, it } from 'vitest';
import en from '../../locales/en/auth';
import zhCN from '../../locales/zh-CN/auth';
import {
  checkSignInField,
  createSignInRules,
  signInValidator,
  toLoginInput,
  type ProblemText,
  type SignInField,
} from './rules';

const english: ProblemText = (problem) => en.signIn.errors[problem];
const chinese: ProblemText = (problem) => zhCN.signIn.errors[problem];

/** Runs a validator and returns the message it reported, or null when it accepted the value. */
function validate(field: SignInField, value: unknown, text = english): string | null {
  let reported: string | null | undefined;
  signInValidator(field, text)(undefined, value, (error) => {
    reported = error ? error.message : null;
  });
  if (reported === undefined) throw new Error('the validator did not call back');
  return reported;
}

describe('checkSignInField', () => {
  it.each([
    ['123456', null],
    [' 123456 ', null],
    ['000000', null],
    ['', 'tenantCodeRequired'],
    ['   ', 'tenantCodeRequired'],
    ['12345', 'tenantCodeFormat'],
    ['1234567', 'tenantCodeFormat'],
    ['12345a', 'tenantCodeFormat'],
    ['12 456', 'tenantCodeFormat'],
    ['１２３４５６', 'tenantCodeFormat'],
    ['-12345', 'tenantCodeFormat'],
  ] as const)('tenant code %j -> %s', (value, problem) => {
    expect(checkSignInField('tenantCode', value)).toBe(problem);
  });

  it('requires a username', () => {
    expect(checkSignInField('username', 'alice')).toBeNull();
    expect(checkSignInField('username', '')).toBe('usernameRequired');
    expect(checkSignInField('username', ' \t')).toBe('usernameRequired');
  });

  it('requires a password, taking it as typed', () => {
    expect(checkSignInField('password', 'secret')).toBeNull();
    expect(checkSignInField('password', ' ')).toBeNull();
    expect(checkSignInField('password', '')).toBe('passwordRequired');
  });
});

describe('signInValidator', () => {
  it('reports the problem in the given language', () => {
    expect(validate('tenantCode', '12', english)).toBe('The tenant code is 6 digits');
    expect(validate('tenantCode', '12', chinese)).toBe('租户编号为 6 位数字');
    expect(validate('username', '', english)).toBe('Enter your username');
    expect(validate('password', '', chinese)).toBe('请输入密码');
  });

  it('accepts good values', () => {
    expect(validate('tenantCode', '654321')).toBeNull();
    expect(validate('username', 'bob')).toBeNull();
    expect(validate('password', 'pw')).toBeNull();
  });

  it('treats a missing value as empty', () => {
    expect(validate('tenantCode', undefined)).toBe('Enter your tenant code');
    expect(validate('username', null)).toBe('Enter your username');
  });
});

describe('createSignInRules', () => {
  it('has one required rule, checked on blur, for every field', () => {
    const rules = createSignInRules(english);
    expect(Object.keys(rules)).toEqual(['tenantCode', 'username', 'password']);
    for (const fieldRules of Object.values(rules)) {
      expect(fieldRules).toEqual([expect.objectContaining({ required: true, trigger: 'blur' })]);
    }
  });
});

describe('toLoginInput', () => {
  it('trims the tenant code and username but not the password', () => {
    expect(toLoginInput({ tenantCode: ' 123456 ', username: ' alice ', password: ' pw ' })).toEqual({
      tenantCode: '123456',
      username: 'alice',
      password: ' pw ',
    });
  });
});
