import { Controller, Delete, Get, Header, Inject, Param } from '@nestjs/common';
import { Roles } from '#wayline/access';
import { CustomerDataService, type ErasureResult } from '#wayline/privacy';

/** Export and erasure of one customer's data. Admin only: the export is the customer's whole personal record. */
@Controller('v1/admin/customers/:customerId')
@Roles('admin')
export class CustomerDataController {
  constructor(@Inject(CustomerDataService) private readonly customerData: CustomerDataService) {}

  @Get('export')
  @Header('cache-control', 'no-store')
  export(@Param('customerId') customerId: string) {
    return this.customerData.exportCustomer(customerId);
  }

  @Delete()
  erase(@Param('customerId') customerId: string): Promise<ErasureResult> {
    return this.customerData.erase(customerId);
  }
}
