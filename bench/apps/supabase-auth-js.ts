// Bundle-size app: @supabase/auth-js on its own (what supabase-js wraps as `supabase.auth`), password sign-in.
import { AuthClient } from '@supabase/auth-js';
import { callApi, onClick, onLogin, show } from './shared/ui.ts';

const auth = new AuthClient({ url: 'https://project.supabase.co/auth/v1', headers: { apikey: 'public-anon-key' } });

auth.onAuthStateChange((_event, session) => show(session ? 'signed in' : 'signed out'));
onLogin((email, password) => auth.signInWithPassword({ email, password }));
onClick('#me', async () => callApi((await auth.getSession()).data.session?.access_token));
onClick('#logout', () => auth.signOut());
