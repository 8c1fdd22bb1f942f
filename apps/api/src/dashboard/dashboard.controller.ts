import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { Public } from '#wayline/access';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { NotFoundError, ROOT_LOGGER } from '#wayline/common';
import { DashboardAssets } from './dashboard-assets.ts';

/**
 * Content-Security-Policy of the page and its assets: scripts, styles and API calls come
 * from this origin only, with no inline script or style and no third-party host.
 * `img-src data:` allows the empty inline favicon, which saves a request that would 404.
 */
export const DASHBOARD_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The analyst dashboard: one HTML page and a fixed allow-list of scripts and styles. They
 * contain no data, so they are public. The page prompts for an API key and sends it with
 * every call to the API.
 */
@Controller('dashboard')
@Public()
export class DashboardController {
  /** Undefined when the files were not found, so that the rest of the API still starts. */
  private readonly assets: DashboardAssets | undefined;
  private readonly logger: Logger;

  constructor(@Inject(ROOT_LOGGER) rootLogger: Logger) {
    this.logger = rootLogger.child({ context: 'dashboard' });
    try {
      this.assets = new DashboardAssets();
    } catch (error) {
      this.logger.warn({ err: error }, 'Dashboard files were not found, so GET /dashboard returns 404 until they are deployed');
    }
  }

  /** @throws NotFoundError when the dashboard's files were not found at start-up. */
  @Get()
  async page(@Res() response: Response): Promise<void> {
    if (this.assets === undefined) {
      throw new NotFoundError('Dashboard page', 'index.html');
    }
    await this.send(response, this.assets.indexFile, 'text/html; charset=utf-8');
  }

  /** @throws NotFoundError when the name is not on the allow-list or the files were not found. */
  @Get('assets/:name')
  async asset(@Param('name') name: string, @Res() response: Response): Promise<void> {
    const asset = this.assets?.find(name);
    if (asset === undefined) {
      throw new NotFoundError('Dashboard asset', name);
    }
    await this.send(response, asset.file, asset.contentType);
  }

  /**
   * Streams one file. Opening it first means a missing file fails before any header is
   * sent, so the exception filter can still return a 500.
   */
  private async send(response: Response, file: string, contentType: string): Promise<void> {
    const handle = await open(file, 'r');
    response.status(200);
    response.setHeader('content-type', contentType);
    response.setHeader('content-security-policy', DASHBOARD_CONTENT_SECURITY_POLICY);
    response.setHeader('x-content-type-options', 'nosniff');
    response.setHeader('referrer-policy', 'no-referrer');
    // The files change with each release and are small, so the browser revalidates every time.
    response.setHeader('cache-control', 'no-cache');
    try {
      await pipeline(handle.createReadStream(), response);
    } catch (error) {
      // A browser that navigates away closes the connection early, which is not a failure.
      if ((error as { code?: string }).code !== 'ERR_STREAM_PREMATURE_CLOSE') {
        this.logger.warn({ err: error, file }, 'Streaming a dashboard file failed');
      }
      response.destroy();
    }
  }
}
