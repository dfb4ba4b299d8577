/**
 * Change notifications for the dashboard's live pages. A topic names what a
 * page shows ('teams', 'workflows', 'execution:<workflowId>', ...). While at
 * least one client listens to a topic, one poller reads a cheap signature of
 * it (a max(updated_at), a count, a describe()) every interval and tells every
 * listener when the signature changes: one poll per topic however many
 * clients watch it, and no poll for a topic nobody watches.
 *
 * Free of I/O itself: what a signature is comes from `resolve`, so tests hand
 * in counters and a short interval.
 */

export interface TopicSource {
  /** A string that changes whenever what the topic shows changes. */
  signature(): Promise<string>;
  /** How often to read the signature; may depend on the last one (a closed execution changes rarely). */
  intervalMs(lastSignature: string | undefined): number;
}

export type Listener = (topic: string) => void;

export interface ChangeFeedOptions {
  /** The source of a topic, or undefined when the topic is not one this feed knows. */
  readonly resolve: (topic: string) => TopicSource | undefined;
  /** Topics polled at once, over all clients; subscribing past it fails. */
  readonly maxTopics?: number;
  readonly onError?: (topic: string, err: unknown) => void;
}

export class TooManyTopicsError extends Error {
  constructor(max: number) {
    super(`the live feed already watches ${max} topics; try again later`);
    this.name = 'TooManyTopicsError';
  }
}

export class UnknownTopicError extends Error {
  constructor(readonly topic: string) {
    super(`unknown topic "${topic}"`);
    this.name = 'UnknownTopicError';
  }
}

class Poller {
  readonly listeners = new Set<Listener>();
  private last: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Resolves once the first signature is read (or failed), so changes after it are not missed. */
  readonly baseline: Promise<void>;

  constructor(
    private readonly topic: string,
    private readonly source: TopicSource,
    private readonly onError: (topic: string, err: unknown) => void,
  ) {
    this.baseline = this.read().then((signature) => {
      this.last = signature;
      this.schedule();
    });
  }

  private async read(): Promise<string | undefined> {
    try {
      return await this.source.signature();
    } catch (err) {
      this.onError(this.topic, err);
      return undefined;
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), this.source.intervalMs(this.last));
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const next = await this.read();
    if (this.stopped) return;
    // A failed read keeps the last signature: a database hiccup is not a change.
    if (next !== undefined) {
      if (this.last !== undefined && next !== this.last) for (const listener of [...this.listeners]) listener(this.topic);
      this.last = next;
    }
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}

export class ChangeFeed {
  private readonly pollers = new Map<string, Poller>();
  private readonly maxTopics: number;
  private readonly onError: (topic: string, err: unknown) => void;

  constructor(private readonly options: ChangeFeedOptions) {
    this.maxTopics = options.maxTopics ?? 1000;
    this.onError = options.onError ?? (() => undefined);
  }

  /** Topics being polled now (for tests and metrics). */
  get activeTopics(): string[] {
    return [...this.pollers.keys()];
  }

  /** Throws for a topic the feed does not know; none of `topics` is subscribed then. */
  validate(topics: readonly string[]): void {
    for (const topic of topics) if (!this.pollers.has(topic) && !this.options.resolve(topic)) throw new UnknownTopicError(topic);
    const added = new Set(topics.filter((t) => !this.pollers.has(t))).size;
    if (this.pollers.size + added > this.maxTopics) throw new TooManyTopicsError(this.maxTopics);
  }

  /**
   * Calls `listener(topic)` on each change of any of `topics` until the
   * returned function is called. The promise resolves once every topic has
   * its baseline, so a client that reads its data after that misses nothing.
   */
  async subscribe(topics: readonly string[], listener: Listener): Promise<() => void> {
    this.validate(topics);
    const joined: Poller[] = [];
    for (const topic of new Set(topics)) {
      let poller = this.pollers.get(topic);
      if (!poller) {
        poller = this.startPoller(topic);
        this.pollers.set(topic, poller);
      }
      poller.listeners.add(listener);
      joined.push(poller);
    }
    let done = false;
    const unsubscribe = () => {
      if (done) return;
      done = true;
      for (const [topic, poller] of this.pollers) {
        if (!joined.includes(poller)) continue;
        poller.listeners.delete(listener);
        if (poller.listeners.size === 0) {
          poller.stop();
          this.pollers.delete(topic);
        }
      }
    };
    await Promise.all(joined.map((p) => p.baseline));
    return unsubscribe;
  }

  private startPoller(topic: string): Poller {
    const source = this.options.resolve(topic);
    if (!source) throw new UnknownTopicError(topic);
    return new Poller(topic, source, this.onError);
  }

  /** Stops every poller (the API is closing). */
  close(): void {
    for (const poller of this.pollers.values()) poller.stop();
    this.pollers.clear();
  }
}
