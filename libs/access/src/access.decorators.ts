import { SetMetadata } from '@nestjs/common';
import type { Role } from './roles.ts';

/** Metadata key of {@link Roles}. */
export const ROLES_METADATA = 'wayline:roles';
/** Metadata key of {@link Public}. */
export const PUBLIC_METADATA = 'wayline:public';

/**
 * The roles that may call a handler, or every handler of a controller. `admin` is
 * always admitted. A route with neither `@Roles` nor `@Public` is refused.
 */
export const Roles = (...roles: Role[]): ClassDecorator & MethodDecorator => SetMetadata(ROLES_METADATA, roles);

/** A route anyone may call without a key, such as the liveness probe. */
export const Public = (): ClassDecorator & MethodDecorator => SetMetadata(PUBLIC_METADATA, true);

/** Metadata key of {@link NotRateLimited}. */
export const NOT_RATE_LIMITED_METADATA = 'wayline:not-rate-limited';

/**
 * Exempts a route from rate limits. Only for health probes: load balancers call them
 * often from one address, and a probe answered with 429 would take the replica out.
 */
export const NotRateLimited = (): ClassDecorator & MethodDecorator => SetMetadata(NOT_RATE_LIMITED_METADATA, true);
