import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Controller, Get } from '@nestjs/common';
import { Public } from '#wayline/access';
import { buildOpenApiDocument } from './openapi.document.ts';

/** Version of the project's package.json, found upwards from this file (sources or dist/). */
function projectVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (path.dirname(dir) !== dir) {
    const candidate = path.join(dir, 'package.json');
    if (existsSync(candidate)) {
      const manifest = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'wayline' && manifest.version) {
        return manifest.version;
      }
    }
    dir = path.dirname(dir);
  }
  return '0.0.0';
}

@Controller('openapi.json')
@Public()
export class OpenApiController {
  private readonly document = buildOpenApiDocument(projectVersion());

  @Get()
  get(): Record<string, unknown> {
    return this.document;
  }
}
