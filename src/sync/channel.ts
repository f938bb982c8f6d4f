import { BroadcastChannel } from 'broadcast-channel';
import { LOGOUT_REASONS, type LogoutReason } from '../events.js';
import { onWake } from '../refresh/wake.js';

/**
 * What tabs tell each other. Messages never carry a token: broadcast-channel may fall back
 * to localStorage or IndexedDB as transport, so a receiving tab re-reads the encrypted vault
 * instead. `generation` lets a receiver ignore news older than what it already knows.
 */
export type SyncMessage =
  | { readonly type: 'login'; readonly generation: number }
  | { readonly type: 'tokens'; readonly generation: number }
  | { readonly type: 'logout'; readonly generation: number; readonly reason: LogoutReason };

/** A message as it travels, stamped with the sending tab's id. */
export type Envelope = SyncMessage & { readonly tab: string };

export interface SyncChannel {
  /** This tab's id, random per session instance. */
  readonly tab: string;
  /** Sends to the other tabs; resolves once the message is out. Never rejects. Nothing (undefined) while the channel is closed for the bfcache. */
  post(message: SyncMessage): Promise<void> | undefined;
}

/**
 * The channel for a session named `name`: calls `handler` for every message from another tab,
 * closes when `lifetime` aborts; null outside a browser, where there are no other tabs. A message
 * through an open channel evicts a page from the back/forward cache, so the channel closes on the
 * way in (and calls `hidden`) and opens again on the way back, when the session re-reads the
 * vault (onWake): what the other tabs said meanwhile is there. A page on its way in posts nothing.
 */
export function openSyncChannel(name: string, lifetime: AbortSignal, handler: (message: Envelope) => void, hidden: () => void): SyncChannel | null {
  if (typeof window === 'undefined' || typeof crypto?.randomUUID !== 'function') return null;
  const tab = crypto.randomUUID();
  let channel: BroadcastChannel<Envelope> | null = null;
  const open = (): void => {
    // Once per channel: broadcast-channel drops what was sent before a listener was set, even by a moment.
    if (channel) return;
    channel = new BroadcastChannel<Envelope>(`${name}:sync`);
    channel.onmessage = (message) => isEnvelope(message) && message.tab !== tab && handler(message);
  };
  const close = (): void => {
    void channel?.close();
    channel = null;
  };
  open();
  onWake(open, lifetime, () => (close(), hidden()));
  lifetime.addEventListener('abort', close);
  return {
    tab,
    post(message) {
      // A failed broadcast must not break the caller; the other tabs resync on wake-up anyway.
      return channel?.postMessage({ ...message, tab }).catch(() => undefined);
    },
  };
}

/**
 * Whether a message is exactly one of the documented shapes. Only same-origin code can post,
 * but a bug there must not poison every tab: a generation of Infinity would refuse every later
 * login, an unknown reason would reach the app. Generations stay far below 2^53, so that counting on from one stays exact.
 */
function isEnvelope(message: unknown): message is Envelope {
  const { type, generation, reason, tab, ...rest } = (message ?? {}) as Record<string, unknown>;
  if (typeof tab !== 'string' || Object.keys(rest).length > 0 || (type === 'logout') !== (reason !== undefined)) return false;
  return (
    (type === 'login' || type === 'tokens' || Object.hasOwn(LOGOUT_REASONS, reason as string)) &&
    Number.isSafeInteger(generation) &&
    (generation as number) >= 0 &&
    (generation as number) < 2 ** 48
  );
}
