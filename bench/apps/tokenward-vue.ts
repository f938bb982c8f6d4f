// Bundle-size app: vue-shell.ts with the status read through tokenward/vue.
import { createApp, h } from 'vue';
import { createTokenwardPlugin, useSession } from '../../src/vue/index.ts';
import { startTokenwardApp } from './shared/tokenward-app.ts';

const session = startTokenwardApp();

createApp({
  setup() {
    const state = useSession();
    return () => h('p', state.value.status);
  },
})
  .use(createTokenwardPlugin(session))
  .mount('#app');
