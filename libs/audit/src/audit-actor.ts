import { currentPrincipal, currentRequestContext } from '#wayline/access';
import type { AuditActor } from './audit-entry.ts';

/** Name recorded as the actor of changes made outside a request; see {@link setProcessAuditActor}. */
let processActorName = 'system';

/**
 * Names the process in audit entries of changes made outside an HTTP request. The CLI
 * sets `cli` at start; API and worker processes keep the default, `system`.
 */
export function setProcessAuditActor(name: string): void {
  processActorName = name;
}

/** Returns the API key of the request being served, or the process outside a request. */
export function currentAuditActor(): AuditActor {
  const principal = currentPrincipal();
  if (principal !== undefined) {
    return { keyId: principal.keyId, name: principal.keyName, role: principal.role };
  }
  // Only public routes run without a principal, and none of them changes configuration.
  // Should one ever do, its entry names an anonymous request rather than the process.
  return currentRequestContext() === undefined
    ? { keyId: null, name: processActorName, role: null }
    : { keyId: null, name: 'anonymous', role: null };
}
