// oidc_provider.mjs PORT_FILE REDIRECT_URL SECRET - a real OpenID Connect
// provider (npm oidc-provider) on 127.0.0.1 for tests/e2e/oidc.sh. It
// listens on a free port, writes that port to PORT_FILE and serves until
// it is killed. Two clients: "carepulse" (client_secret_basic) and
// "carepulse-post" (client_secret_post), both with SECRET and REDIRECT_URL.
// A * in REDIRECT_URL stands for a port (serve's, not known yet).
// The development login pages (devInteractions) sign in any account below
// by its name, any password. OIDC_CLAIMS=userinfo in the environment:
// the e-mail claims only from userinfo, not in the ID token.
import Provider from 'oidc-provider';
import { generateKeyPair, exportJWK } from 'jose';
import { createServer } from 'node:http';
import { writeFileSync, renameSync } from 'node:fs';

const [portFile, redirect, secret] = process.argv.slice(2);
const accounts = {
  alice: { sub: 'alice', email: 'alice@example.org', email_verified: true },
  nomail: { sub: 'nomail' },
  unverified: { sub: 'unverified', email: 'bob@example.org', email_verified: false },
  silent: { sub: 'silent', email: 'carol@example.org' },
  // People of the portal's test organisation (tests/portal_lib.sh).
  hr: { sub: 'hr', email: 'hr@example.org', email_verified: true },
  leada: { sub: 'leada', email: 'LeadA@example.org', email_verified: true },
};

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), kid: 'test-key-1', alg: 'RS256', use: 'sig' };

const server = createServer();
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const { port } = server.address();
const client = (id, method) => ({
  client_id: id,
  client_secret: secret,
  redirect_uris: [redirect.replace('*', '9')],
  response_types: ['code'],
  grant_types: ['authorization_code'],
  token_endpoint_auth_method: method,
});
const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [client('carepulse', 'client_secret_basic'), client('carepulse-post', 'client_secret_post')],
  jwks: { keys: [jwk] },
  cookies: { keys: ['carepulse-test-only'] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  pkce: { methods: ['S256'], required: () => true },
  // The email claims in the ID token, as Google, Entra ID and Keycloak
  // put them; with OIDC_CLAIMS=userinfo only at the userinfo endpoint,
  // as the specification has it for the code flow.
  conformIdTokenClaims: process.env.OIDC_CLAIMS === 'userinfo',
  features: { devInteractions: { enabled: true } },
  findAccount: async (ctx, id) => accounts[id] && {
    accountId: id,
    claims: async () => accounts[id],
  },
});
if (redirect.includes('*')) {
  const [before, after] = redirect.split('*');
  provider.Client.prototype.redirectUriAllowed = (uri) =>
    uri.startsWith(before) && uri.endsWith(after) &&
    /^[0-9]+$/.test(uri.slice(before.length, uri.length - after.length));
}
server.on('request', provider.callback());
writeFileSync(`${portFile}.tmp`, `${port}\n`);
renameSync(`${portFile}.tmp`, portFile);
