// A real OpenID provider (node-oidc-provider, a certified implementation) for
// the sign-in tests: one confidential client, PKCE required, the users of
// OIDC_USERS (a JSON list of {sub, email, email_verified, name}) signing in
// through the provider's own login form (any password).
//
// Environment: PORT, ISSUER (default http://127.0.0.1:PORT), CLIENT_ID,
// CLIENT_SECRET, REDIRECT_URI, OIDC_USERS; IMPOSTOR_KEYS=1 publishes a key
// set whose key has the signing key's id but other material, so every ID
// token's signature fails to verify. Prints "listening" once it answers.
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';

import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = process.env.ISSUER || `http://127.0.0.1:${port}`;
const users = JSON.parse(process.env.OIDC_USERS || '[]');
const KID = 'signing-key';

function rsaKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' };
}

function publicPart({ kty, n, e, kid, alg, use }) {
  return { kty, n, e, kid, alg, use };
}

const signing = rsaKey();

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.CLIENT_ID,
    client_secret: process.env.CLIENT_SECRET,
    redirect_uris: [process.env.REDIRECT_URI],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [signing] },
  pkce: { required: () => true },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  cookies: { keys: ['a-test-only-cookie-key-of-the-provider'] },
  async findAccount(_ctx, id) {
    const user = users.find((candidate) => candidate.sub === id);
    if (!user) return undefined;
    return { accountId: id, async claims() { return { ...user }; } };
  },
  // A hospital's own app: its members are not asked to consent to it.
  async loadExistingGrant(ctx) {
    const { client, session, result } = ctx.oidc;
    const grantId = result?.consent?.grantId || session.grantIdFor(client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
});

const answer = provider.callback();
const impostor = { keys: [publicPart(rsaKey())] };

http.createServer((req, res) => {
  if (process.env.IMPOSTOR_KEYS === '1' && req.url.split('?')[0] === '/jwks') {
    res.writeHead(200, { 'content-type': 'application/jwk-set+json' });
    res.end(JSON.stringify(impostor));
    return;
  }
  answer(req, res);
}).listen(port, '127.0.0.1', () => console.log('listening'));
