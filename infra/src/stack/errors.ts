/**
 * A problem the person running the stack can fix (a missing program, a busy port).
 * The scripts print only its message, without a stack trace, and exit non-zero.
 */
export class StackError extends Error {
  override name = 'StackError';
}
