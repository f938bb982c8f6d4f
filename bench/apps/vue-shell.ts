// Bundle-size app: the tokenward quickstart rendered by Vue without the binding, the baseline
// that tokenward-vue.ts is measured against (vue is an external in both).
import { createApp, h } from 'vue';
import { startTokenwardApp } from './shared/tokenward-app.ts';

const session = startTokenwardApp();

createApp({ render: () => h('p', session.getState().status) }).mount('#app');
