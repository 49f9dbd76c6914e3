import type { FormItemRule, FormRules } from 'element-plus';

/** The sign-in form's fields. */
export interface SignInForm {
  tenantCode: string;
  username: string;
  password: string;
}

export type SignInField = keyof SignInForm;

/** What can be wrong with a field, named as its message in the locale files (`auth.signIn.errors.<problem>`). */
export type SignInProblem = 'tenantCodeRequired' | 'tenantCodeFormat' | 'usernameRequired' | 'passwordRequired';

/** Says a problem in the user's language. */
export type ProblemText = (problem: SignInProblem) => string;

export const TENANT_CODE_PATTERN = /^[0-9]{6}$/;

/** Checks one field of the sign-in form; null when the value is acceptable. */
export function checkSignInField(field: SignInField, value: string): SignInProblem | null {
  switch (field) {
    case 'tenantCode': {
      const code = value.trim();
      if (code === '') return 'tenantCodeRequired';
      return TENANT_CODE_PATTERN.test(code) ? null : 'tenantCodeFormat';
    }
    case 'username':
      return value.trim() === '' ? 'usernameRequired' : null;
    case 'password':
      return value === '' ? 'passwordRequired' : null;
  }
}

/** An Element Plus form-item validator for one field, reporting problems in the given language. */
export function signInValidator(
  field: SignInField,
  text: ProblemText,
): (rule: unknown, value: unknown, callback: (error?: Error) => void) => void {
  return (_rule, value, callback) => {
    const problem = checkSignInField(field, typeof value === 'string' ? value : '');
    if (problem === null) callback();
    else callback(new Error(text(problem)));
  };
}

function fieldRule(field: SignInField, text: ProblemText): FormItemRule {
  return { required: true, trigger: 'blur', validator: signInValidator(field, text) };
}

/** The sign-in form's rules, with messages in the given language. */
export function createSignInRules(text: ProblemText): FormRules<SignInForm> {
  return {
    tenantCode: [fieldRule('tenantCode', text)],
    username: [fieldRule('username', text)],
    password: [fieldRule('password', text)],
  };
}

/** The form's values as the API takes them: codes and names without surrounding spaces. */
export function toLoginInput(form: SignInForm): SignInForm {
  return { tenantCode: form.tenantCode.trim(), username: form.username.trim(), password: form.password };
}
