import type { Command } from 'commander';
import { CustomerDataService, PrivacyModule } from '#wayline/privacy';
import { withCliContext } from '../cli-context.ts';

export function registerCustomerCommands(program: Command): void {
  const customer = program.command('customer').description("A customer's data: export and erasure (docs/security.md)");
  customer
    .command('export <customerId>')
    .description('Print everything stored about the customer as JSON (GET /v1/admin/customers/{customerId}/export)')
    .action(async (customerId: string) => {
      await withCliContext([PrivacyModule], async (context) => {
        const data = await context.get(CustomerDataService).exportCustomer(customerId);
        console.log(JSON.stringify(data, null, 2));
      });
    });
  customer
    .command('erase <customerId>')
    .description('Delete or anonymise every row and live-store key of the customer (DELETE /v1/admin/customers/{customerId})')
    .option('--yes', 'confirm the erasure, which cannot be undone')
    .action(async (customerId: string, options: { yes?: boolean }) => {
      if (!options.yes) {
        throw new Error('erasure cannot be undone, so confirm it: repeat the command with --yes');
      }
      await withCliContext([PrivacyModule], async (context) => {
        const result = await context.get(CustomerDataService).erase(customerId);
        console.log(JSON.stringify(result, null, 2));
      });
    });
}
