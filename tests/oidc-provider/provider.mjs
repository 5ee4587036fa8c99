// Local "VNeID-style" OpenID Provider for Hocvuso's Rust integration tests.
//
// A real OpenID Provider (npm `oidc-provider`) that Hocvuso, as a relying party,
// logs in against: authorization code flow + PKCE (S256), client_secret_basic
// (or client_secret_post), ID tokens that carry the citizen claims directly,
// and a non-interactive login: `login_hint=<sub>` of a known account completes
// login and consent by redirects alone (no HTML form).
//
// Run from the repository root:
//   npm ci --prefix tests/oidc-provider && node tests/oidc-provider/provider.mjs
//
// Once listening it prints exactly one line `READY <issuer>` on stdout
// (e.g. `READY http://127.0.0.1:43127`); everything else goes to stderr.
// It runs until SIGTERM/SIGINT. Environment (all optional):
//   PORT           listen port on 127.0.0.1, 0 = any free port (default 0);
//                  the issuer is http://127.0.0.1:<actual port>
//   CLIENT_ID      default `hocvuso`
//   CLIENT_SECRET  default `hocvuso-test-secret`
//   REDIRECT_URI   default `http://127.0.0.1:9/callback`
//   KEY_SET        signing key set name, [A-Za-z0-9_-]+ (default `a`); the JWKS
//                  holds only this set's keys, so restarting on the same PORT
//                  with another KEY_SET simulates a key rotation
//   KEYS_DIR       where keys-<KEY_SET>.json (private JWKS) is kept/created
//                  (default <os tmpdir>/hocvuso-oidc-keys)
//   ID_TOKEN_ALG   the client's id_token signing alg, RS256 or EdDSA (default RS256)
//   ACCOUNTS_FILE  JSON array of extra accounts, same shape as BUILTIN_ACCOUNTS

import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

import { exportJWK, generateKeyPair } from 'jose';
import Provider, { interactionPolicy } from 'oidc-provider';

// stdout carries only the READY line: oidc-provider prints its notices with console.info.
console.log = console.error;
console.info = console.error;

const env = (name, fallback) => {
  const value = process.env[name];
  return value === undefined || value === '' ? fallback : value;
};

const PORT = Number(env('PORT', '0'));
const CLIENT_ID = env('CLIENT_ID', 'hocvuso');
const CLIENT_SECRET = env('CLIENT_SECRET', 'hocvuso-test-secret');
const REDIRECT_URI = env('REDIRECT_URI', 'http://127.0.0.1:9/callback');
const KEY_SET = env('KEY_SET', 'a');
const KEYS_DIR = env('KEYS_DIR', path.join(os.tmpdir(), 'hocvuso-oidc-keys'));
const ID_TOKEN_ALG = env('ID_TOKEN_ALG', 'RS256');
const ACCOUNTS_FILE = env('ACCOUNTS_FILE', undefined);

if (!Number.isInteger(PORT) || PORT < 0 || PORT > 65535) {
  throw new Error(`invalid PORT: ${process.env.PORT}`);
}
if (!/^[A-Za-z0-9_-]+$/.test(KEY_SET)) {
  throw new Error(`invalid KEY_SET (want [A-Za-z0-9_-]+): ${KEY_SET}`);
}
if (!['RS256', 'EdDSA'].includes(ID_TOKEN_ALG)) {
  throw new Error(`invalid ID_TOKEN_ALG (want RS256 or EdDSA): ${ID_TOKEN_ALG}`);
}

const BUILTIN_ACCOUNTS = [
  {
    sub: 'vneid-0001',
    citizen_id: '001090012345',
    name: 'Nguyễn Văn An',
    birthdate: '1990-05-17',
    gender: 'male',
    ial: '2',
  },
  {
    sub: 'vneid-0002',
    citizen_id: '079301004567',
    name: 'Trần Thị Bình',
    birthdate: '2001-11-02',
    gender: 'female',
    ial: '3',
  },
];

function loadAccounts() {
  const accounts = new Map(BUILTIN_ACCOUNTS.map((a) => [a.sub, a]));
  if (ACCOUNTS_FILE) {
    const extra = JSON.parse(readFileSync(ACCOUNTS_FILE, 'utf8'));
    if (!Array.isArray(extra)) throw new Error('ACCOUNTS_FILE must hold a JSON array');
    for (const account of extra) {
      if (typeof account?.sub !== 'string' || !account.sub) {
        throw new Error(`ACCOUNTS_FILE entry without a string sub: ${JSON.stringify(account)}`);
      }
      accounts.set(account.sub, account);
    }
  }
  return accounts;
}

// Private JWKS of the key set: created once per KEYS_DIR, then reused.
async function loadOrCreateKeys() {
  const file = path.join(KEYS_DIR, `keys-${KEY_SET}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));

  const rsa = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  const ed = await generateKeyPair('EdDSA', { extractable: true, crv: 'Ed25519' });
  const jwks = {
    keys: [
      { ...(await exportJWK(rsa.privateKey)), kid: `key-${KEY_SET}`, alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(ed.privateKey)), kid: `key-${KEY_SET}-ed25519`, alg: 'EdDSA', use: 'sig' },
    ],
  };
  mkdirSync(KEYS_DIR, { recursive: true });
  // Write then rename, so a concurrently starting provider never reads half a file.
  const tmp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  writeFileSync(tmp, JSON.stringify(jwks, null, 2), { mode: 0o600 });
  renameSync(tmp, file);
  return jwks;
}

const accounts = loadAccounts();
const jwks = await loadOrCreateKeys();

// Listen first: with PORT=0 the issuer depends on the port actually bound.
let handler = (_req, res) => {
  res.statusCode = 503;
  res.end('starting\n');
};
const server = http.createServer((req, res) => handler(req, res));
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(PORT, '127.0.0.1', resolve);
});
const issuer = `http://127.0.0.1:${server.address().port}`;

// Login is prompted whenever login_hint names someone other than the session's account,
// so a reused cookie jar cannot silently log in the previous account.
const policy = interactionPolicy.base();
policy.get('login').checks.add(new interactionPolicy.Check(
  'login_hint_mismatch',
  'login_hint does not match the authenticated End-User',
  (ctx) => {
    const hint = ctx.oidc.params.login_hint;
    return hint !== undefined && hint !== ctx.oidc.session.accountId
      ? interactionPolicy.Check.REQUEST_PROMPT
      : interactionPolicy.Check.NO_NEED_TO_PROMPT;
  },
));

const provider = new Provider(issuer, {
  clients: [{
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    redirect_uris: [REDIRECT_URI],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    // client_secret_post is accepted too: oidc-provider treats the two as interchangeable.
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: ID_TOKEN_ALG,
  }],
  jwks,
  cookies: { keys: ['hocvuso-test-cookie-key-1', 'hocvuso-test-cookie-key-2'] },
  claims: {
    openid: ['sub'],
    profile: ['name', 'birthdate', 'gender'],
    citizen: ['citizen_id', 'ial'],
  },
  // Put the granted scopes' claims in the ID token too, not only at userinfo.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: false },
    userinfo: { enabled: true },
  },
  interactions: {
    policy,
    url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
  },
  async findAccount(_ctx, sub) {
    const account = accounts.get(sub);
    if (!account) return undefined;
    return {
      accountId: sub,
      // oidc-provider filters these by the granted scopes/claims.
      async claims() {
        return { ...account, sub };
      },
    };
  },
  clientBasedCORS: () => true,
  ttl: {
    AccessToken: 3600,
    AuthorizationCode: 600,
    IdToken: 3600,
    Interaction: 600,
    Session: 3600,
    Grant: 3600,
  },
});

// Non-interactive login + consent: driven only by login_hint.
async function interaction(req, res) {
  const send = (status, text) => {
    res.statusCode = status;
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.end(`${text}\n`);
  };
  try {
    if (req.method !== 'GET' && req.method !== 'POST') return send(405, 'method not allowed');
    const details = await provider.interactionDetails(req, res);
    const { prompt, params, session } = details;
    const hint = params.login_hint;

    if (prompt.name === 'login') {
      if (typeof hint !== 'string' || !accounts.has(hint)) {
        return send(400, `login needs login_hint=<sub> of a known account; got ${JSON.stringify(hint ?? null)}`);
      }
      // oidc-provider switches accounts only through an auto-submitted logout form (a browser
      // thing); refuse plainly instead.
      if (session?.accountId && session.accountId !== hint) {
        return send(400, `this cookie jar is logged in as ${session.accountId}; use a fresh cookie jar to log in as ${hint}`);
      }
      // Log in and consent in one go: grant everything that was asked for.
      const grant = new provider.Grant({ accountId: hint, clientId: params.client_id });
      if (params.scope) grant.addOIDCScope(params.scope);
      if (params.claims) {
        const requested = JSON.parse(params.claims);
        const names = [...Object.keys(requested.id_token ?? {}), ...Object.keys(requested.userinfo ?? {})];
        if (names.length) grant.addOIDCClaims(names);
      }
      const grantId = await grant.save();
      return await provider.interactionFinished(req, res, {
        login: { accountId: hint },
        consent: { grantId },
      }, { mergeWithLastSubmission: false });
    }

    if (prompt.name === 'consent') {
      // A session exists already (cookie reused): grant whatever is still missing.
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
      const d = prompt.details;
      if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(' '));
      if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(d.missingResourceScopes ?? {})) {
        grant.addResourceScope(indicator, scopes.join(' '));
      }
      const grantId = await grant.save();
      return await provider.interactionFinished(req, res, { consent: { grantId } }, {
        mergeWithLastSubmission: true,
      });
    }

    return send(400, `unsupported prompt: ${prompt.name}`);
  } catch (err) {
    console.error('interaction error:', err);
    return send(400, `interaction failed: ${err.message}`);
  }
}

const oidc = provider.callback();
handler = (req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res);
  } else {
    oidc(req, res);
  }
};

provider.on('server_error', (_ctx, err) => console.error('server_error:', err));

let closing = false;
function shutdown(signal) {
  if (closing) return;
  closing = true;
  console.error(`received ${signal}, closing`);
  // Test fixture with in-memory state only: stop listening, drop connections, exit.
  server.close();
  server.closeAllConnections();
  process.exit(0);
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));

process.stdout.write(`READY ${issuer}\n`);
