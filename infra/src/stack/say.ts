/** Progress lines of the stack scripts go to stderr so stdout stays the command's own. */
export function say(message: string): void {
  process.stderr.write(`[stack] ${message}\n`);
}
