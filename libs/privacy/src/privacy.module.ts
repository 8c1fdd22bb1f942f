import { Module } from '@nestjs/common';
import { CustomerDataRepository } from './customer-data.repository.ts';
import { CustomerDataService } from './customer-data.service.ts';

@Module({
  providers: [CustomerDataRepository, CustomerDataService],
  exports: [CustomerDataService],
})
export class PrivacyModule {}
