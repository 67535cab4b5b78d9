/**
 * Thrown by a handler whose job cannot be done yet but will be (no courier free, a
 * deadline not reached): BullMQ retries it on its back-off like any failure, but it is
 * an expected wait, so it is logged at debug without a stack and counted as `waiting`,
 * not as a failure someone should look at.
 */
export class RetryLater extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetryLater';
  }
}
