// Typedoc names a module after its entry file (`index`, `react`, ...); the reference names
// each one after the import an app writes (`tokenward`, `tokenward/react`, ...).
import { Converter } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const module of context.project.children ?? []) {
      module.name = module.name === 'index' ? 'tokenward' : `tokenward/${module.name}`;
    }
  });
}
