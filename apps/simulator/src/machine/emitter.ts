/**
 * A small typed event emitter for events that carry their own `type` tag.
 */

type Listener<E> = (event: E) => void;

export class TypedEmitter<E extends { type: string }> {
  #byType = new Map<string, Set<Listener<never>>>();
  #any = new Set<Listener<E>>();

  /** Calls `listener` for every event of `type`. Returns a function that removes it. */
  on<K extends E['type']>(type: K, listener: Listener<Extract<E, { type: K }>>): () => void {
    let set = this.#byType.get(type);
    if (!set) {
      set = new Set();
      this.#byType.set(type, set);
    }
    const stored = listener as Listener<never>;
    set.add(stored);
    return () => {
      set.delete(stored);
    };
  }

  /** Calls `listener` for every event. Returns a function that removes it. */
  onAny(listener: Listener<E>): () => void {
    this.#any.add(listener);
    return () => {
      this.#any.delete(listener);
    };
  }

  /** Delivers `event` synchronously, first to the listeners of its type, then to the catch-all ones. */
  emit(event: E): void {
    const set = this.#byType.get(event.type);
    if (set) for (const listener of [...set]) (listener as Listener<E>)(event);
    for (const listener of [...this.#any]) listener(event);
  }
}
