// oidc_forge.mjs MODE TOKEN [KEY] - a forged ID token from a real one, for the
// signature tests of tests/e2e/oidc.sh:
//   resign  the same header (same kid) and claims, signed with another key
//   email   the claims with another email, the original signature kept
//   none    the claims unsigned (alg none)
//   hs256   the claims signed with HMAC under KEY (the client secret: a
//           key the relying party knows too)
import { generateKeyPair, SignJWT, UnsecuredJWT, decodeProtectedHeader, decodeJwt } from 'jose';

const [mode, token, key] = process.argv.slice(2);
const [h, p, s] = token.split('.');
if (mode === 'resign') {
  const { privateKey } = await generateKeyPair('RS256');
  const forged = await new SignJWT(decodeJwt(token))
    .setProtectedHeader(decodeProtectedHeader(token))
    .sign(privateKey);
  process.stdout.write(`${forged}\n`);
} else if (mode === 'email') {
  const claims = { ...decodeJwt(token), email: 'mallory@example.org' };
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  process.stdout.write(`${h}.${body}.${s}\n`);
} else if (mode === 'none') {
  process.stdout.write(`${new UnsecuredJWT(decodeJwt(token)).encode()}\n`);
} else if (mode === 'hs256') {
  const forged = await new SignJWT(decodeJwt(token))
    .setProtectedHeader({ alg: 'HS256', kid: decodeProtectedHeader(token).kid })
    .sign(new TextEncoder().encode(key));
  process.stdout.write(`${forged}\n`);
} else {
  throw new Error(`unknown mode ${mode} (of ${p.length} byte claims)`);
}
