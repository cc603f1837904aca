/**
 * Deliveries a double schedules on timers, and `settle()`, which waits until all of them have run,
 * including those scheduled while it waits. Shared by the TIM and TRTC doubles.
 */
export class Deliveries {
  private readonly pending = new Set<Promise<void>>();

  /** Runs `fn` after `delayMs` (a macrotask later at 0), tracked by `settle`. */
  later(fn: () => void, delayMs: number): void {
    const p = new Promise<void>((resolve) =>
      setTimeout(() => {
        try {
          fn();
        } finally {
          resolve();
        }
      }, delayMs),
    );
    this.pending.add(p);
    void p.then(() => this.pending.delete(p));
  }

  /** Resolves once every scheduled delivery has happened (including ones scheduled meanwhile). */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    await new Promise<void>((r) => setTimeout(r, 0));
    if (this.pending.size > 0) await this.settle();
  }
}
