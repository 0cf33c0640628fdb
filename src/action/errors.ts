/**
 * A problem with how the Action was called (an input, the plan, the execution it names): reported
 * as one `::error::` line saying what to fix, and the step fails.
 */
export class ActionInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ActionInputError";
  }
}
