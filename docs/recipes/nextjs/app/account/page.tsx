'use client';
import { useState } from 'react';
import { HTTPError, TokenwardError } from 'tokenward';
import { useSession, useSessionClient } from 'tokenward/react';
import { RequireAuth } from '../require-auth';

function Account() {
  const { claims } = useSession();
  const { http, logout } = useSessionClient();
  const [answer, setAnswer] = useState('');

  async function callApi() {
    try {
      // The token goes along, fetched (and refreshed when due) per request.
      const me = await http.get('/api/me').json<{ user: string }>();
      setAnswer(`The API says you are ${me.user}.`);
    } catch (error) {
      if (error instanceof HTTPError) setAnswer(`The API answered ${error.response.status}.`);
      else if (error instanceof TokenwardError) setAnswer(`No answer: ${error.code}.`);
      else throw error;
    }
  }

  return (
    <section>
      <p>Signed in as {String(claims?.sub)}</p>
      <button onClick={callApi}>Call the API</button>
      <output>{answer}</output>
      <button onClick={() => logout()}>Sign out</button>
    </section>
  );
}

export default function AccountPage() {
  return (
    <RequireAuth>
      <Account />
    </RequireAuth>
  );
}
