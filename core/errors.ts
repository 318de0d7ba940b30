/**
 * An error caused by the user's input (a config file, a model, a zip). The CLI prints it without a stack
 * trace: where it is (file, JSON pointer or field), what is wrong, and how to fix it.
 */
export class UserError extends Error {
  constructor(
    /** The file the problem is in (path as the user gave it), when there is one. */
    readonly file: string | undefined,
    /** JSON pointer, XML path or field name inside the file, when known. */
    readonly where: string | undefined,
    /** What is wrong. */
    readonly problem: string,
    /** How to fix it. */
    readonly fix?: string,
  ) {
    super(formatUserError(file, where, problem, fix));
    this.name = 'UserError';
  }
}

function formatUserError(file: string | undefined, where: string | undefined, problem: string, fix?: string): string {
  const location = [file, where].filter((part) => part !== undefined && part !== '').join(' ');
  return `${location ? `${location}: ` : ''}${problem}${fix ? `\n  fix: ${fix}` : ''}`;
}

/** Several user errors found in one pass (e.g. every problem of a config file), reported together. */
export class UserErrors extends Error {
  constructor(readonly errors: UserError[]) {
    super(errors.map((error) => error.message).join('\n'));
    this.name = 'UserErrors';
  }
}
