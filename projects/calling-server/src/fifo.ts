/**
 * An array-backed first-in-first-out queue with O(1) amortised `push`/`shift`.
 *
 * `Array.prototype.shift` is O(n); the mailboxes shift on every expiry, so the queue keeps a head
 * index instead and compacts the backing array once half of it is dead.
 */
export class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  /** Number of items in the queue. */
  get length(): number {
    return this.items.length - this.head;
  }

  /** Appends an item at the tail. */
  push(item: T): void {
    this.items.push(item);
  }

  /** The oldest item, or undefined when empty. */
  peek(): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  /** Removes and returns the oldest item. */
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined as T; // let the GC have it before compaction
    this.head++;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Keeps only the items for which `keep` returns true (order preserved). */
  retain(keep: (item: T) => boolean): void {
    this.items = this.items.slice(this.head).filter(keep);
    this.head = 0;
  }

  /** The oldest item for which `match` returns true (a plain loop: no iterator on hot paths). */
  find(match: (item: T) => boolean): T | undefined {
    const items = this.items;
    for (let i = this.head; i < items.length; i++) if (match(items[i] as T)) return items[i];
    return undefined;
  }

  /** Iterates oldest first. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = this.head; i < this.items.length; i++) yield this.items[i] as T;
  }

  /** Iterates newest first. */
  *reversed(): IterableIterator<T> {
    for (let i = this.items.length - 1; i >= this.head; i--) yield this.items[i] as T;
  }
}
