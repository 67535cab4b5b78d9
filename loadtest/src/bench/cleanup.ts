/**
 * Undo steps registered as resources are made (processes, a database, Redis keys) and
 * run newest first, once, whether the bench ends normally, fails, or is interrupted.
 */
export class Cleanup {
  private readonly steps: Array<{ label: string; run: () => Promise<void> }> = [];
  private running: Promise<void> | undefined;

  add(label: string, run: () => Promise<void>): void {
    this.steps.push({ label, run });
  }

  run(log: (line: string) => void): Promise<void> {
    this.running ??= (async () => {
      for (let step = this.steps.pop(); step; step = this.steps.pop()) {
        try {
          await step.run();
        } catch (error) {
          log(`cleanup: ${step.label} failed: ${(error as Error).message}`);
        }
      }
    })();
    return this.running;
  }
}
