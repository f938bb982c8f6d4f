// The event log: newest entry first, each with its time, its kind and a line of explanation.
import { h } from './dom.ts';
import { clockTime } from './format.ts';

export type LogKind = 'info' | 'restore' | 'login' | 'refresh' | 'logout' | 'expired' | 'error' | 'api' | 'switch';

export interface LogEntry {
  readonly kind: LogKind;
  readonly title: string;
  readonly detail?: string;
  /** A logout reason or an error code: shown next to the title, and kept as `data-code`. */
  readonly code?: string;
  /** The change was made by another tab and reached this one through the SDK's cross-tab sync. */
  readonly otherTab?: boolean;
  /** An action of the page (an API call, a switch) that did not work. */
  readonly failed?: boolean;
}

export interface EventLog {
  add(entry: LogEntry): void;
}

/** Enough to follow a long session; older entries fall off the end. */
const MAX_ENTRIES = 200;

export function createEventLog(list: HTMLOListElement, clearButton: HTMLButtonElement): EventLog {
  clearButton.addEventListener('click', () => list.replaceChildren());
  return {
    add(entry) {
      const item = h(
        'li',
        { class: entry.failed ? 'entry failed' : 'entry', 'data-event': entry.kind },
        h('time', {}, clockTime(Date.now())),
        h('span', { class: 'kind' }, entry.kind),
        h(
          'div',
          { class: 'body' },
          h(
            'div',
            { class: 'title' },
            entry.title,
            entry.code ? h('code', { class: 'chip' }, entry.code) : null,
            entry.otherTab ? h('span', { class: 'chip other-tab' }, 'other tab') : null,
          ),
          entry.detail ? h('div', { class: 'detail' }, entry.detail) : null,
        ),
      );
      if (entry.code) item.dataset.code = entry.code;
      if (entry.otherTab) item.dataset.source = 'other-tab';
      list.prepend(item);
      while (list.childElementCount > MAX_ENTRIES) list.lastElementChild?.remove();
    },
  };
}
