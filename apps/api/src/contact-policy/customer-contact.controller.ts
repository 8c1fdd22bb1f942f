import { Body, Controller, Get, Inject, Param, Put } from '@nestjs/common';
import { Roles } from '#wayline/access';
import { ContactSettingsService, type CustomerConsentResponse } from '#wayline/decisioning';

/** A customer's consent per channel and time zone, which the contact policy reads. */
@Controller('v1/customers/:customerId')
@Roles('platform')
export class CustomerContactController {
  constructor(@Inject(ContactSettingsService) private readonly settings: ContactSettingsService) {}

  @Get('consent')
  @Roles('platform', 'marketer')
  getConsent(@Param('customerId') customerId: string): Promise<CustomerConsentResponse> {
    return this.settings.getConsent(customerId);
  }

  @Put('consent')
  putConsent(@Param('customerId') customerId: string, @Body() body: unknown): Promise<CustomerConsentResponse> {
    return this.settings.putConsent(customerId, body);
  }

  @Put('time-zone')
  putTimeZone(@Param('customerId') customerId: string, @Body() body: unknown): Promise<CustomerConsentResponse> {
    return this.settings.putTimeZone(customerId, body);
  }
}
