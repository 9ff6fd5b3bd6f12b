/**
 * A mistake the user can fix: a bad input, a missing file, a project we
 * cannot read. Reported as a one-line annotation, never with a stack.
 */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ConfigurationError'
  }
}

/**
 * The user's project or image failed a step we ran (build, smoke test,
 * budget). Reported like a ConfigurationError: the message says it all.
 */
export class StepFailure extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'StepFailure'
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
