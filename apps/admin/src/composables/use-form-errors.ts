/**
 * An API refusal shown at the form's fields. The API names the field of a bad input in
 * `fieldErrors` (`{ "code": ["must be 1-32 characters"] }`) and a rule's refusal in its
 * message (`code: another product has this code`); both land in `errors[field]`, for
 * `<ElFormItem :error="errors.code">`. What names no field of the form is returned by
 * `apply` to show as a message. The form's model is never touched: what the user typed stays.
 *
 *     const { errors, apply, clear } = useFormErrors(['code', 'name', 'price']);
 *     try { clear(); await api.products.create.mutate(form); }
 *     catch (e) { const rest = apply(e, t('common.states.unreachable')); if (rest) ElMessage.error(rest); }
 */
import { reactive } from 'vue';
import { failureMessage, fieldErrorsOf } from '../api/client';

export interface FormErrors<Field extends string> {
  /** The message of each field that has one. */
  errors: Partial<Record<Field, string>>;
  /**
   * Puts the refusal's messages at their fields and answers what is left to show on its
   * own (the whole message when no field was named), or null when every message has a field.
   */
  apply(error: unknown, unreachable: string): string | null;
  /** Clears one field's message, or all of them. */
  clear(field?: Field): void;
}

/** `code: another product has this code` -> ['code', 'another product has this code']. */
const FIELD_MESSAGE = /^([A-Za-z_][\w]*(?:\.[\w]+)*): (.+)$/s;

/**
 * `fields`: the form's field names (top level of the API input). A field path deeper than
 * a field (`items.0.quantity`) is shown at its first segment unless it is a field itself.
 * Without `fields`, every named field is taken.
 */
export function useFormErrors<Field extends string = string>(fields?: readonly Field[]): FormErrors<Field> {
  const errors = reactive({}) as Partial<Record<Field, string>>;

  const fieldOf = (path: string): Field | null => {
    if (!fields) return path === '' ? null : (path as Field);
    if ((fields as readonly string[]).includes(path)) return path as Field;
    const top = path.split('.')[0] ?? '';
    return (fields as readonly string[]).includes(top) ? (top as Field) : null;
  };

  function clear(field?: Field): void {
    if (field) delete errors[field];
    else for (const key of Object.keys(errors)) delete errors[key as Field];
  }

  function apply(error: unknown, unreachable: string): string | null {
    clear();
    const byField = fieldErrorsOf(error);
    const left: string[] = [];
    for (const [path, messages] of Object.entries(byField)) {
      const field = fieldOf(path);
      const text = messages.join('; ');
      if (field) errors[field] = errors[field] ? `${errors[field]}; ${text}` : text;
      else left.push(path ? `${path}: ${text}` : text);
    }
    if (Object.keys(byField).length > 0) return left.length > 0 ? left.join('; ') : null;

    const message = failureMessage(error, unreachable);
    const named = FIELD_MESSAGE.exec(message);
    const field = named?.[1] ? fieldOf(named[1]) : null;
    if (field && named?.[2]) {
      errors[field] = named[2];
      return null;
    }
    return message;
  }

  return { errors, apply, clear };
}
