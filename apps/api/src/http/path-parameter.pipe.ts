import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { containsNulCharacter, NUL_CHARACTER_MESSAGE, ValidationError } from '#wayline/common';

/**
 * Rejects a path parameter that contains U+0000 with a 400 naming it. Routes look
 * resources up by their path parameters, and PostgreSQL fails such a query with an
 * error that would otherwise surface as a 500.
 */
@Injectable()
export class PathParameterPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'param' && typeof value === 'string' && containsNulCharacter(value)) {
      throw ValidationError.forField(`path.${metadata.data ?? '(parameter)'}`, NUL_CHARACTER_MESSAGE);
    }
    return value;
  }
}
