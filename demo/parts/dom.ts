// Two DOM helpers, so the modules read as what they show rather than as DOM plumbing. Text
// always goes in as text nodes: nothing the server or the storage says is parsed as HTML.

/** An element of index.html; a missing one is a bug in the page, worth failing loudly on. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`demo: #${id} is missing from index.html`);
  return element as T;
}

export type Child = Node | string | null | false;

/** `h('li', { class: 'entry' }, 'text', otherNode)`: an element with attributes and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Readonly<Record<string, string>> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) if (child !== null && child !== false) element.append(child);
  return element;
}
