import { StudioError } from '../../contract/errors.js';
import type { StudioEvent } from '../../contract/events.js';
import type { Attention, NotifySettings, NotifyStatus } from '../../contract/model.js';
import type { Settings } from '../store/settings.js';
import type { Clock } from '../util/clock.js';
import { DisposableStore, type Emitter } from '../util/emitter.js';
import type { Logger } from '../util/logger.js';

/** Waits between tries of one notice: a receiver that is down for a minute still gets it. */
export const WEBHOOK_BACKOFF_MS = [1000, 5000, 25_000] as const;
/** One try gives up after this; the studio never waits on a receiver anyway. */
export const WEBHOOK_TIMEOUT_MS = 5000;
/** Notices kept while a receiver is down; past this the oldest are dropped (and logged). */
export const WEBHOOK_QUEUE = 100;
const SETTINGS_KEY = 'notify';

/** Sends one POST; resolves with the status, rejects when no answer came. */
export type PostJson = (url: string, body: string, timeoutMs: number) => Promise<number>;

export const postJson: PostJson = async (url, body, timeoutMs) => {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    signal: AbortSignal.timeout(timeoutMs),
    redirect: 'error',
  });
  await res.arrayBuffer().catch(() => undefined);
  return res.status;
};

/**
 * The JSON a notice is posted as: `text` for Slack's incoming webhooks, `title`, `message` and
 * `topic` for ntfy's JSON publishing, and the notice's own fields for anything else.
 */
export function webhookBody(a: Attention, topic: string | null, pageUrl?: string): string {
  const title = cut(a.title);
  const body = cut(a.body);
  // The studio's page at this item, where the person can reach the studio (their own tunnel).
  const link = a.link && pageUrl ? new URL(a.link, pageUrl).href : undefined;
  return JSON.stringify({
    // Slack reads <...> as mentions and links: agents' text (a task's title) must not ping a channel.
    text: slackEscape(`${title}: ${body}`),
    title,
    message: body,
    ...(topic ? { topic } : {}),
    kind: a.kind,
    ...(a.agent ? { agent: a.agent } : {}),
    ...(a.taskId !== undefined ? { task_id: a.taskId } : {}),
    // `click` is ntfy's name for the address a tap on the notice opens.
    ...(link ? { link, click: link } : {}),
    at: new Date(a.at).toISOString(),
  });
}

/** A notice's fields stay short: a task's title or result can be long, and a phone shows a line. */
const MAX_FIELD_CHARS = 500;
const cut = (s: string) => (s.length > MAX_FIELD_CHARS ? `${s.slice(0, MAX_FIELD_CHARS - 1)}…` : s);
const slackEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function checkWebhookUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StudioError('invalid', `"${url}" is not a URL; give the webhook's full http(s) address.`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new StudioError('invalid', `The webhook must be an http(s) URL, not ${parsed.protocol}`);
  return parsed.toString();
}

/**
 * Posts attention notices to the person's webhook, in order, one at a time. A failing receiver
 * (no answer, 5xx, 429) is tried again after each WEBHOOK_BACKOFF_MS; nothing here ever holds
 * the studio up, and a notice that cannot be sent is logged and dropped.
 */
export class WebhookNotifier {
  private readonly store = new DisposableStore();
  private readonly queue: Array<{ body: string; tries: number }> = [];
  private sending = false;
  private timer: { cancel(): void } | undefined;
  private lastSentAt: number | null = null;
  private lastError: string | null = null;
  private closed = false;

  constructor(
    private readonly deps: {
      events: Emitter<StudioEvent>;
      settings: Settings;
      clock: Clock;
      logger: Logger;
      post?: PostJson;
      /** The studio's page (its UI address), for a notice's link; absent when it serves no page. */
      pageUrl?: string;
    },
  ) {
    this.store.add(
      deps.events.on((e) => {
        if (e.type === 'attention') this.enqueue(e.attention);
      }),
    );
  }

  get settings(): NotifySettings {
    const s = this.deps.settings.get<NotifySettings>(SETTINGS_KEY);
    return { webhookUrl: s?.webhookUrl ?? null, webhookTopic: s?.webhookTopic ?? null };
  }

  configure(next: NotifySettings): NotifyStatus {
    const url = next.webhookUrl ? checkWebhookUrl(next.webhookUrl) : null;
    this.deps.settings.set(SETTINGS_KEY, url ? { webhookUrl: url, webhookTopic: next.webhookTopic } : null);
    // Notices for a receiver the person replaced or turned off are not sent to the new one.
    this.queue.length = 0;
    this.lastError = null;
    return this.status();
  }

  status(): NotifyStatus {
    return {
      ...this.settings,
      lastSentAt: this.lastSentAt,
      lastError: this.lastError,
      pending: this.queue.length,
    };
  }

  /** Sends one notice now and says how it went (the settings' Test button, `notify --test`). */
  async test(notice: Attention): Promise<NotifyStatus> {
    const { webhookUrl, webhookTopic } = this.settings;
    if (!webhookUrl) throw new StudioError('invalid', 'No webhook is set: set its URL first.');
    const post = this.deps.post ?? postJson;
    let status: number;
    try {
      status = await post(
        webhookUrl,
        webhookBody(notice, webhookTopic, this.deps.pageUrl),
        WEBHOOK_TIMEOUT_MS,
      );
    } catch (err) {
      throw new StudioError('unavailable', `The webhook did not answer: ${(err as Error).message}`);
    }
    if (status < 200 || status >= 300)
      throw new StudioError('unavailable', `The webhook answered HTTP ${status}.`);
    this.lastSentAt = this.deps.clock.now();
    this.lastError = null;
    return this.status();
  }

  private enqueue(a: Attention): void {
    const { webhookUrl, webhookTopic } = this.settings;
    if (!webhookUrl || this.closed) return;
    if (this.queue.length >= WEBHOOK_QUEUE) {
      this.queue.shift();
      this.deps.logger.warn('webhook queue full: oldest notice dropped');
    }
    this.queue.push({ body: webhookBody(a, webhookTopic, this.deps.pageUrl), tries: 0 });
    this.pump();
  }

  private pump(): void {
    if (this.sending || this.timer || this.closed) return;
    const next = this.queue[0];
    const url = this.settings.webhookUrl;
    if (!next || !url) return;
    this.sending = true;
    const post = this.deps.post ?? postJson;
    void post(url, next.body, WEBHOOK_TIMEOUT_MS)
      .then(
        (status) => (status >= 200 && status < 300 ? undefined : `HTTP ${status}`),
        (err: Error) => err.message || String(err),
      )
      .then((error) => {
        this.sending = false;
        if (this.closed || this.queue[0] !== next) return this.pump();
        if (!error) {
          this.queue.shift();
          this.lastSentAt = this.deps.clock.now();
          this.lastError = null;
          return this.pump();
        }
        this.lastError = error;
        // A 4xx other than 429 will not get better by asking again.
        const permanent = /^HTTP 4\d\d$/.test(error) && error !== 'HTTP 429';
        const wait = WEBHOOK_BACKOFF_MS[next.tries];
        next.tries++;
        if (permanent || wait === undefined) {
          this.queue.shift();
          this.deps.logger.warn('webhook notice dropped', { error, tries: next.tries });
          return this.pump();
        }
        this.timer = this.deps.clock.setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, wait);
      });
  }

  dispose(): void {
    this.closed = true;
    this.timer?.cancel();
    this.store.dispose();
  }
}
