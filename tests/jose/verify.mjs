// Verifies VC-JWTs against a JWKS URL with `jose`, a JOSE library independent of
// Hocvuso's (different language, different authors). Usage:
//   node verify.mjs <jwks-url> <token>...
// Prints one JSON line per token: {"ok": true, "typ": ..., "id": ...} or
// {"ok": false, "error": <jose error code>}.
import { createRemoteJWKSet, jwtVerify } from 'jose';

const [jwksUrl, ...tokens] = process.argv.slice(2);
const jwks = createRemoteJWKSet(new URL(jwksUrl));
for (const token of tokens) {
  try {
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      typ: 'vc+jwt',
      algorithms: ['EdDSA'],
    });
    console.log(JSON.stringify({
      ok: true,
      typ: protectedHeader.typ,
      kid: protectedHeader.kid,
      id: payload.id,
      types: payload.type,
      issuer: payload.issuer?.id,
    }));
  } catch (error) {
    console.log(JSON.stringify({ ok: false, error: error.code ?? String(error) }));
  }
}
