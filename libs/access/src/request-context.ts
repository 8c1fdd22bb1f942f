import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
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
  /** The caller's `X-Request-Id` when it is a safe token, otherwise a random UUID. */
  requestId: string;
  /** Set by the authentication guard once the key is verified. */
  principal?: Principal;
}

const storage = new AsyncLocalStorage<RequestContext>();

// Up to 128 letters, digits and . _ : - so an id from a proxy or a client can go into logs and headers as it is.
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Runs `next` with a fresh request context. `presentedId` is the request's `X-Request-Id`
 * header; it is kept when it is a safe token and replaced by a random UUID otherwise.
 */
export function runInRequestContext(presentedId: string | string[] | undefined, next: () => void): void {
  const requestId = typeof presentedId === 'string' && SAFE_REQUEST_ID.test(presentedId) ? presentedId : randomUUID();
  storage.run({ requestId }, next);
}

/** Returns the context of the request being served, or undefined outside a request (jobs, CLI). */
export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** Returns the authenticated key of the request being served, or undefined (jobs, CLI, public routes). */
export function currentPrincipal(): Principal | undefined {
  return storage.getStore()?.principal;
}
