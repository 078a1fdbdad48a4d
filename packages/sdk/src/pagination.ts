import type { Envelope } from "./http.js";

type Fetcher<T> = (cursor: string | undefined) => Promise<Envelope<T[]>>;

/** One page of a list; iterating it (`for await`) yields every object of every page, following `next_cursor`. */
export class Page<T> implements AsyncIterable<T> {
  readonly data: T[];
  readonly has_more: boolean;
  readonly next_cursor: string | null;
  readonly #fetch: Fetcher<T>;

  constructor(envelope: Envelope<T[]>, fetcher: Fetcher<T>) {
    this.data = envelope.data;
    this.has_more = Boolean(envelope.has_more);
    this.next_cursor = envelope.next_cursor ?? null;
    this.#fetch = fetcher;
  }

  /** The page after this one, or null on the last. */
  async nextPage(): Promise<Page<T> | null> {
    if (!this.has_more || !this.next_cursor) return null;
    return new Page(await this.#fetch(this.next_cursor), this.#fetch);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    let page: Page<T> | null = this;
    while (page) {
      yield* page.data;
      page = await page.nextPage();
    }
  }
}

/**
 * What `list()` returns: await it for the first page, or `for await` it directly for every object.
 * @example
 * for await (const payment of zf.payments.list({ limit: 100, status: "completed" })) console.log(payment.id);
 */
export class PagePromise<T> implements PromiseLike<Page<T>>, AsyncIterable<T> {
  readonly #first: () => Promise<Page<T>>;
  #started: Promise<Page<T>> | undefined;

  constructor(fetcher: Fetcher<T>) {
    this.#first = async () => new Page(await fetcher(undefined), fetcher);
  }

  #page(): Promise<Page<T>> {
    this.#started ??= this.#first();
    return this.#started;
  }

  // biome-ignore lint/suspicious/noThenProperty: list() is meant to be awaited (first page) and iterated (every object), like stripe-node's lists
  then<A = Page<T>, B = never>(
    onFulfilled?: ((page: Page<T>) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.#page().then(onFulfilled, onRejected);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    yield* await this.#page();
  }
}
