// The Vue example: the demo's session through tokenward/vue, and nothing else. Render functions
// (`h`) rather than single-file components, so Vite builds it without @vitejs/plugin-vue.
import { createApp, defineComponent, h, ref, type PropType } from 'vue';
import { createSession, type SessionState } from 'tokenward';
import { createTokenwardPlugin, useSession, useSessionClient } from 'tokenward/vue';
import { DEMO_USER, expiryText, failureText, statusText } from '../parts/example-text.ts';

/** One state snapshot, as a prop: the children render it, only App follows the session. */
const stateProp = { type: Object as PropType<SessionState>, required: true } as const;

const Status = defineComponent({
  props: { state: stateProp },
  setup: (props) => () =>
    h('div', { id: 'status', class: 'status', 'data-status': props.state.status, role: 'status' }, [
      h('span', { class: 'dot', 'aria-hidden': 'true' }),
      h('span', { id: 'status-text' }, statusText(props.state)),
      props.state.refreshing && h('span', { class: 'pill' }, 'refreshing…'),
    ]),
});

const SignInForm = defineComponent(() => {
  const session = useSessionClient();
  const username = ref<string>(DEMO_USER.username);
  const password = ref<string>(DEMO_USER.password);
  const pending = ref(false);
  const error = ref<string | null>(null);

  async function signIn(event: SubmitEvent) {
    event.preventDefault();
    pending.value = true;
    error.value = null;
    try {
      await session.login({ username: username.value, password: password.value });
      // Nothing to do on success: the new state re-renders App, which replaces this form.
    } catch (failure) {
      error.value = failureText(failure);
      pending.value = false;
    }
  }

  return () =>
    h('form', { id: 'login-form', class: 'login-form', onSubmit: (event: SubmitEvent) => void signIn(event) }, [
      h('label', [
        'User ',
        h('input', {
          id: 'username',
          name: 'username',
          autocomplete: 'username',
          required: true,
          value: username.value,
          onInput: (event: Event) => (username.value = (event.target as HTMLInputElement).value),
        }),
      ]),
      h('label', [
        'Password ',
        h('input', {
          id: 'password',
          name: 'password',
          type: 'password',
          autocomplete: 'current-password',
          required: true,
          value: password.value,
          onInput: (event: Event) => (password.value = (event.target as HTMLInputElement).value),
        }),
      ]),
      h('button', { id: 'sign-in', type: 'submit', class: 'primary', disabled: pending.value }, 'Sign in'),
      h('p', { class: 'hint' }, ['Demo account: user ', h('code', DEMO_USER.username), ', password ', h('code', DEMO_USER.password), '.']),
      error.value && h('p', { id: 'login-error', class: 'inline-error', role: 'alert' }, error.value),
    ]);
});

const SignedIn = defineComponent({
  props: { state: stateProp },
  setup(props) {
    const session = useSessionClient();
    const answer = ref<string | null>(null);

    async function callApi() {
      try {
        // session.http adds the bearer token per request, and on a 401 refreshes once and retries.
        const me = await session.http.get('/api/me', { retry: 0 }).json<unknown>();
        answer.value = `200 ${JSON.stringify(me)}`;
      } catch (failure) {
        answer.value = `failed: ${failureText(failure)}`;
      }
    }

    return () => [
      h('h3', ['Claims ', h('small', 'the state holds claims, never the token')]),
      h('dl', { id: 'claims', class: 'fields' }, [h('dt', 'sub'), h('dd', props.state.claims?.sub), h('dt', 'exp'), h('dd', expiryText(props.state.claims))]),
      h('div', { class: 'actions' }, [
        h('button', { id: 'call-api', type: 'button', onClick: () => void callApi() }, ['Call ', h('code', 'GET /api/me')]),
        h('button', { id: 'logout', type: 'button', class: 'danger', onClick: () => void session.logout() }, 'Log out'),
      ]),
      answer.value && h('pre', { id: 'api-answer', class: 'code api-answer' }, `GET /api/me → ${answer.value}`),
    ];
  },
});

const App = defineComponent(() => {
  // A read-only shallow ref, fed by session.subscribe and released with this component.
  const state = useSession();
  return () =>
    h('section', { class: 'card', 'aria-labelledby': 'session-title' }, [
      h('h2', { id: 'session-title' }, 'Session'),
      h(Status, { state: state.value }),
      state.value.status === 'unauthenticated' && h(SignInForm),
      state.value.status === 'authenticated' && h(SignedIn, { state: state.value }),
    ]);
});

// The defaults, as on the main page: the same name, so the same encrypted vault and cross-tab
// channel, and so one session for every tab of the demo, whichever page it shows. Created once,
// outside any component; the plugin only provides it.
const session = createSession();
createApp(App).use(createTokenwardPlugin(session)).mount('#app');
