/**
 * One actor's mailbox: posted work runs one item at a time, in order. A failed item does not stop
 * the ones after it (its caller gets the rejection).
 *
 * @example
 * ```ts
 * const mailbox = new Mailbox();
 * void mailbox.post(() => tick());
 * await mailbox.idle(); // everything posted so far has run
 * ```
 */
export class Mailbox {
  #tail: Promise<unknown> = Promise.resolve();
  #depth = 0;

  /** Runs `work` after everything posted before it. */
  post<T>(work: () => Promise<T>): Promise<T> {
    this.#depth++;
    const run = this.#tail.then(work, work);
    this.#tail = run.then(
      () => this.#depth--,
      () => this.#depth--,
    );
    return run;
  }

  /** Items posted and not finished. */
  get depth(): number {
    return this.#depth;
  }

  /** Resolves once everything posted so far has run. */
  async idle(): Promise<void> {
    await this.#tail;
  }
}
