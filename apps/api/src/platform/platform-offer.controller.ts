import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { Roles } from '#wayline/access';
import type { AppConfig } from '#wayline/config';
import { APP_CONFIG } from '#wayline/config';
import type { Request, Response } from 'express';
import { matchesIfNoneMatch, PlatformOfferService } from './platform-offer.service.ts';

/** Content pulled by e-mail platforms at send time, with a platform key. */
@Controller('v1/platform/customers/:customerId')
@Roles('platform')
export class PlatformOfferController {
  constructor(
    @Inject(PlatformOfferService) private readonly offers: PlatformOfferService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('offer')
  async offer(@Param('customerId') customerId: string, @Query() query: unknown, @Req() request: Request, @Res() response: Response): Promise<void> {
    const { body, etag } = await this.offers.getOffer(customerId, query);
    // `private`: the body is one customer's offer, so shared caches must not keep it.
    response.setHeader('cache-control', `private, max-age=${this.config.platform.offerMaxAgeSeconds}`);
    response.setHeader('etag', etag);
    response.setHeader('vary', 'authorization');
    if (matchesIfNoneMatch(request.headers['if-none-match'], etag)) {
      response.status(304).end();
      return;
    }
    response.status(200).json(body);
  }
}
