import { createApp } from 'vue';
import { createTokenwardPlugin } from 'tokenward/vue';
import App from './App.vue';
import { router } from './router';
import { session } from './session';

createApp(App).use(createTokenwardPlugin(session)).use(router).mount('#app');
