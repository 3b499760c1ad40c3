/**
 * npm run token -- --sub alice [--expires 1h]: mints a JWT from the local issuer of a running
 * `npm start -- --auth jwt`, asking it over HTTP on this machine (the key pair never leaves
 * the gateway), and prints the token alone on stdout.
 */
import { parseArgs } from 'node:util';
import { ISSUER_PATHS, LOCAL_ISSUER } from '../packages/sam-local-websocket/src/identity-provider/constants.js';
import { parseDuration } from '../packages/sam-local-websocket/src/identity-provider/duration.js';

const HELP = `Usage: npm run token -- --sub NAME [options]

Mints a token from the local issuer of a running "npm start -- --auth jwt" and prints it.

Options:
  --sub NAME        the user (the token's sub claim; required)
  --expires D       lifetime: 90s, 15m, 1h, 1d (default ${LOCAL_ISSUER.defaultExpiresInSeconds / 3600}h, at most ${LOCAL_ISSUER.maxExpiresInSeconds / 3600}h)
  --username NAME   a username claim
  --scope "A B"     space separated scopes
  --id-token        an id token instead of an access token (the authorizer refuses it by default)
  --port N          the gateway's port (default 3001; env PORT)
  --host ADDR       the gateway's address on this machine (default 127.0.0.1)
  -h, --help        show this help

Example:
  npx wscat -c "ws://localhost:3001/dev?Auth=$(npm run -s token -- --sub alice)"
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sub: { type: 'string' },
      expires: { type: 'string' },
      username: { type: 'string' },
      scope: { type: 'string' },
      'id-token': { type: 'boolean' },
      port: { type: 'string' },
      host: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return void console.log(HELP);
  if (!values.sub) throw new Error(`--sub is required\n\n${HELP}`);
  const port = values.port ?? process.env.PORT ?? '3001';
  const host = values.host ?? '127.0.0.1';
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}${LOCAL_ISSUER.path}${ISSUER_PATHS.mint}`;
  const body = {
    sub: values.sub,
    expiresInSeconds: values.expires ? parseDuration(values.expires) : undefined,
    username: values.username,
    scope: values.scope,
    tokenUse: values['id-token'] ? 'id' : 'access',
  };
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  } catch (error) {
    throw new Error(`cannot reach ${url} (${(error as Error).cause ?? (error as Error).message}): is "npm start -- --auth jwt" running on port ${port}?`);
  }
  const answer = (await response.json().catch(() => ({}))) as { access_token?: string; message?: string };
  if (response.status === 404) throw new Error(`no local issuer at ${url}: start the gateway with --auth jwt`);
  if (!response.ok || !answer.access_token) throw new Error(`the issuer answered ${response.status}: ${answer.message ?? 'no token'}`);
  console.log(answer.access_token);
}

main().catch((error: Error) => {
  console.error(`npm run token: ${error.message}`);
  process.exitCode = 1;
});
