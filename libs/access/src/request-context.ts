import { AsyncLocalStorage } from 'node:async_hooks';
import type { Role } from './roles.ts';

/** The API key a request authenticated with. */
export interface Principal {
  keyId: string;
  /** The key's name, such as "newsletter-platform"; never the secret. */
  keyName: string;
  role: Role;
}

/** Per-request state, set up by {@link runInRequestContext} for every HTTP request. */
export interface RequestContext {
  /** Set by the authentication guard once the key is verified. */
  principal?: Principal;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `next` with a fresh request context; Express middleware for every request. */
export function runInRequestContext(next: () => void): void {
  storage.run({}, next);
}

/** The context of the request being served, or undefined outside a request (jobs, CLI). */
export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** The authenticated key of the request being served, or undefined (jobs, CLI, public routes). */
export function currentPrincipal(): Principal | undefined {
  return storage.getStore()?.principal;
}
