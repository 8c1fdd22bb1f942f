import type { Command } from 'commander';
import { AccessModule, ApiKeyService, ROLES } from '#wayline/access';
import { AuditLog, AuditModule } from '#wayline/audit';
import { withCliContext } from '../cli-context.ts';

/**
 * API key commands, for when no admin key is at hand. They act on the database directly;
 * with Redis, running API processes drop a revoked or rotated key from their caches at once.
 */
/** The access module with key changes recorded in the audit log, with the actor `cli`. */
const accessModule = () => AccessModule.withAuditLog(AuditModule, AuditLog);

export function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description('API keys and their roles (docs/security.md)');
  keys
    .command('create')
    .description('Create an API key and print it as JSON; the key is shown only this once')
    .requiredOption('--name <name>', 'name that tells the key apart, such as newsletter-platform')
    .requiredOption('--role <role>', `role of the key: ${ROLES.join(', ')}`)
    .action(async (options: { name: string; role: string }) => {
      await withCliContext([accessModule()], async (context) => {
        const created = await context.get(ApiKeyService).create({ name: options.name, role: options.role });
        console.log(JSON.stringify(created, null, 2));
      });
    });
  keys
    .command('list')
    .description('List the API keys as JSON, without the keys themselves')
    .option('--include-revoked', 'also list revoked keys')
    .action(async (options: { includeRevoked?: boolean }) => {
      await withCliContext([accessModule()], async (context) => {
        const listed = await context.get(ApiKeyService).list({ includeRevoked: options.includeRevoked ? 'true' : 'false' });
        console.log(JSON.stringify(listed, null, 2));
      });
    });
  keys
    .command('rotate <id>')
    .description('Replace a key with a new one of the same name and role, and print it as JSON')
    .option('--grace-seconds <seconds>', 'seconds the old key keeps working, 0 to 86400', '0')
    .action(async (id: string, options: { graceSeconds: string }) => {
      await withCliContext([accessModule()], async (context) => {
        const rotated = await context.get(ApiKeyService).rotate(id, { graceSeconds: Number(options.graceSeconds) });
        console.log(JSON.stringify(rotated, null, 2));
      });
    });
  keys
    .command('revoke <id>')
    .description('Revoke a key at once')
    .action(async (id: string) => {
      await withCliContext([accessModule()], async (context) => {
        await context.get(ApiKeyService).revoke(id);
        console.log(`Revoked API key ${id}`);
      });
    });
}
