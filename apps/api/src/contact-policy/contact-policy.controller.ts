import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Put } from '@nestjs/common';
import { Roles } from '#wayline/access';
import { ContactSettingsService, type ChannelContactPolicy, type ContactPolicyResponse } from '#wayline/decisioning';

/** The deployment's contact policy and the per-channel overrides. */
@Controller('v1/admin/contact-policy')
@Roles('marketer', 'analyst')
export class ContactPolicyController {
  constructor(@Inject(ContactSettingsService) private readonly settings: ContactSettingsService) {}

  @Get()
  get(): Promise<ContactPolicyResponse> {
    return this.settings.getPolicy();
  }

  @Put()
  @Roles('marketer')
  replace(@Body() body: unknown): Promise<ContactPolicyResponse> {
    return this.settings.replacePolicy(body);
  }

  @Get('channels/:name')
  getChannel(@Param('name') name: string): Promise<ChannelContactPolicy> {
    return this.settings.getChannelPolicy(name);
  }

  @Put('channels/:name')
  @Roles('marketer')
  replaceChannel(@Param('name') name: string, @Body() body: unknown): Promise<ChannelContactPolicy> {
    return this.settings.replaceChannelPolicy(name, body);
  }

  /** Returns the channel to the defaults: no caps of its own, no consent required. */
  @Delete('channels/:name')
  @Roles('marketer')
  @HttpCode(200)
  deleteChannel(@Param('name') name: string): Promise<ChannelContactPolicy> {
    return this.settings.deleteChannelPolicy(name);
  }
}
