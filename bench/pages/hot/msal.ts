// msal-browser: tokens go into its default cache (sessionStorage) through its own public
// loadExternalTokens(), as for tokens obtained elsewhere; the authority's discovery documents are
// given in the configuration (cloudDiscoveryMetadata, authorityMetadata), as MSAL documents for
// apps that must not fetch them, so nothing has to come from the network.
import { loadExternalTokens, PublicClientApplication, type Configuration } from '@azure/msal-browser';
import { base64url, claimsFor, fakeJwt, LONG_LIFETIME } from '../lib/fake-tokens.ts';
import type { HotContender } from './contender.ts';

const tenant = '3f1c7c1e-5e7a-4b7d-9c55-0b6f6c1f2a10';
const clientId = '8a1d4c52-2f0e-4d7b-a0b8-7d3a5c4e9f61';
const host = 'login.microsoftonline.com';
const authority = `https://${host}/${tenant}`;
const scopes = ['User.Read'];

const cloudDiscoveryMetadata = {
  tenant_discovery_endpoint: `${authority}/v2.0/.well-known/openid-configuration`,
  'api-version': '1.1',
  metadata: [{ preferred_network: host, preferred_cache: 'login.windows.net', aliases: [host, 'login.windows.net', 'login.microsoft.com', 'sts.windows.net'] }],
};

const authorityMetadata = {
  token_endpoint: `${authority}/oauth2/v2.0/token`,
  token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
  jwks_uri: `${authority}/discovery/v2.0/keys`,
  response_modes_supported: ['query', 'fragment', 'form_post'],
  subject_types_supported: ['pairwise'],
  id_token_signing_alg_values_supported: ['RS256'],
  response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
  scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
  issuer: `https://${host}/${tenant}/v2.0`,
  request_uri_parameter_supported: false,
  userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
  authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
  device_authorization_endpoint: `${authority}/oauth2/v2.0/devicecode`,
  http_logout_supported: true,
  frontchannel_logout_supported: true,
  end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
  claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'name', 'oid', 'tid', 'preferred_username'],
  tenant_region_scope: null,
  cloud_instance_name: 'microsoftonline.com',
  cloud_graph_host_name: 'graph.windows.net',
  msgraph_host: 'graph.microsoft.com',
};

export async function setup(): Promise<HotContender> {
  const config: Configuration = {
    auth: {
      clientId,
      authority,
      redirectUri: location.origin,
      knownAuthorities: [host],
      cloudDiscoveryMetadata: JSON.stringify(cloudDiscoveryMetadata),
      authorityMetadata: JSON.stringify(authorityMetadata),
    },
  };
  const oid = crypto.randomUUID();
  const claims = claimsFor(LONG_LIFETIME, { aud: 'https://graph.microsoft.com', tid: tenant, oid, scp: 'User.Read' });
  const accessToken = fakeJwt(claims);
  const idToken = fakeJwt({
    ...claims,
    aud: clientId,
    iss: authorityMetadata.issuer,
    name: 'Bench User',
    preferred_username: 'bench@example.com',
    sub: oid,
    ver: '2.0',
  });
  const loaded = await loadExternalTokens(
    config,
    { scopes, authority },
    {
      token_type: 'Bearer',
      scope: 'User.Read openid profile',
      expires_in: LONG_LIFETIME,
      ext_expires_in: LONG_LIFETIME,
      access_token: accessToken,
      id_token: idToken,
      client_info: base64url(new TextEncoder().encode(JSON.stringify({ uid: oid, utid: tenant }))),
    },
    {},
  );
  // Created after the load, so that it starts from the cache as a reload would find it.
  const pca = new PublicClientApplication(config);
  await pca.initialize();
  const request = { scopes, account: loaded.account };
  return {
    call: () => pca.acquireTokenSilent(request),
    tokenOf: (result) => (result as { accessToken: string }).accessToken,
    expected: accessToken,
  };
}
