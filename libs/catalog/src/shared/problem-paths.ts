import { ValidationError } from '#wayline/common';

/**
 * Runs `operation` and, when it throws a {@link ValidationError}, throws it again with
 * every problem path placed under `prefix`. Services name fields relative to their
 * input (`channel`, `offers[2]`). An HTTP controller passes `body`, so the caller reads
 * `body.channel`.
 */
export async function withProblemPathPrefix<T>(prefix: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (!(error instanceof ValidationError)) {
      throw error;
    }
    throw new ValidationError(
      error.problems.map((problem) => ({ path: joinProblemPath(prefix, problem.path), message: problem.message })),
    );
  }
}

function joinProblemPath(prefix: string, path: string): string {
  if (path === '' || path === '(root)') {
    return prefix;
  }
  return path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
}
