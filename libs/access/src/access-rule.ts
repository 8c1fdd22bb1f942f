import type { Reflector } from '@nestjs/core';
import { PUBLIC_METADATA, ROLES_METADATA } from './access.decorators.ts';
import type { Role } from './roles.ts';

/** Access rule of a route: public, or open to keys of the listed roles and to admin keys. */
export type AccessRule = { public: true } | { public: false; roles: Role[] };

type MetadataTarget = object;

/**
 * Reads the access rule of a handler. A decorator on the handler wins over one on its
 * controller. Returns undefined when neither declares one, and such a route must be rejected.
 */
export function accessRuleOf(reflector: Pick<Reflector, 'get'>, handler: MetadataTarget, controller: MetadataTarget): AccessRule | undefined {
  for (const target of [handler, controller]) {
    if (reflector.get<boolean | undefined>(PUBLIC_METADATA, target as never) === true) {
      return { public: true };
    }
    const roles = reflector.get<Role[] | undefined>(ROLES_METADATA, target as never);
    if (roles !== undefined) {
      return { public: false, roles };
    }
  }
  return undefined;
}

/** Checks whether a key of `role` may call a route that admits `roles`. Admin keys may call every route. */
export function roleIsAdmitted(role: Role, roles: readonly Role[]): boolean {
  return role === 'admin' || roles.includes(role);
}
