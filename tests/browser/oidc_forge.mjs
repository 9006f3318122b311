// oidc_forge.mjs MODE TOKEN - a forged ID token from a real one, for the
// signature tests of tests/e2e/oidc.sh:
//   resign  the same header (same kid) and claims, signed with another key
//   email   the claims with another email, the original signature kept
import { generateKeyPair, SignJWT, decodeProtectedHeader, decodeJwt } from 'jose';

const [mode, token] = process.argv.slice(2);
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
} else {
  throw new Error(`unknown mode ${mode} (of ${p.length} byte claims)`);
}
