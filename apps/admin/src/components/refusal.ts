/** The words of a refusal: which permission or module is missing, by its name in the user's language. */
import { P, PERMISSIONS } from '@vmcloud/api/catalog';
import type { Refusal } from '../router/access';

const KEY_OF_CODE: ReadonlyMap<string, string> = new Map(Object.entries(P).map(([key, code]) => [code, key]));

/** `my_inventory` -> `myInventory`: a module's permission has the module's name in P. */
const keyOfModule = (module: string) => module.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

export interface RefusalText {
  t: (key: string, named?: Record<string, unknown>) => string;
  te: (key: string) => boolean;
}

/** A permission's name: `shell.permissions.<P key>` when the console has it, else the catalogue's. */
export function permissionName(code: string, { t, te }: RefusalText): string {
  const key = KEY_OF_CODE.get(code);
  if (key && te(`shell.permissions.${key}`)) return t(`shell.permissions.${key}`);
  return PERMISSIONS.find((p) => p.code === code)?.name ?? code;
}

/** A module's name, as its permission's. */
export function moduleName(module: string, text: RefusalText): string {
  const code = (P as Record<string, string>)[keyOfModule(module)];
  return code ? permissionName(code, text) : module;
}

/** Why the page is refused, in a sentence. */
export function refusalReason(refusal: Refusal, text: RefusalText): string {
  switch (refusal.kind) {
    case 'permission':
      return text.t('shell.refused.permission', {
        name: permissionName(refusal.permission, text),
        code: refusal.permission,
      });
    case 'module':
      return text.t('shell.refused.module', { name: moduleName(refusal.module, text) });
    case 'restricted':
      return text.t(refusal.restriction === 'suspended' ? 'shell.refused.suspended' : 'shell.refused.expired');
  }
}
