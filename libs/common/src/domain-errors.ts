/** One invalid field: `path` names it the way the caller sent it (`events[3].occurredAt`). */
export interface FieldProblem {
  path: string;
  message: string;
}

/** Base class of every error that a caller can act on. HTTP mapping lives in the api app. */
export abstract class DomainError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input that breaks a schema or a business rule. */
export class ValidationError extends DomainError {
  readonly code = 'validation_failed';

  constructor(readonly problems: FieldProblem[]) {
    super(problems.map((problem) => `${problem.path}: ${problem.message}`).join('; '));
  }

  static forField(path: string, message: string): ValidationError {
    return new ValidationError([{ path, message }]);
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'not_found';

  constructor(
    readonly resource: string,
    readonly key: string,
  ) {
    super(`${resource} '${key}' was not found`);
  }
}

/** A request that is valid on its own but clashes with stored state. */
export class ConflictError extends DomainError {
  readonly code = 'conflict';
}
