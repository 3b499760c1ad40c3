/**
 * `sam-local-websocket token --sub alice [--expires 1h]`: mints a JWT from the local issuer of a
 * running `sam-local-websocket --auth jwt`, asking it over HTTP on this machine (the key pair
 * never leaves the gateway), and prints the token alone on stdout.
 */
import { parseArgs } from 'node:util';
import { ISSUER_PATHS, LOCAL_ISSUER } from '../identity-provider/constants.js';
import { parseDuration } from '../identity-provider/duration.js';

export const TOKEN_HELP = `Usage: sam-local-websocket token --sub NAME [options]

Mints a token from the local issuer of a running "sam-local-websocket --auth jwt" and prints it.

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
  npx wscat -c "ws://localhost:3001/dev?Auth=$(npx sam-local-websocket token --sub alice)"
`;

/** Mints the token the command line asks for and prints it; a failure is printed and sets exit code 1. */
export async function runToken(argv: string[]): Promise<void> {
  try {
    console.log(await mintToken(argv));
  } catch (error) {
    console.error(`sam-local-websocket token: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}

async function mintToken(argv: string[]): Promise<string> {
  const { values } = parseArgs({
    args: argv,
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
  if (values.help) return TOKEN_HELP;
  if (!values.sub) throw new Error(`--sub is required\n\n${TOKEN_HELP}`);
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
    throw new Error(
      `cannot reach ${url} (${(error as Error).cause ?? (error as Error).message}): is "sam-local-websocket --auth jwt" running on port ${port}?`,
    );
  }
  const answer = (await response.json().catch(() => ({}))) as { access_token?: string; message?: string };
  // A gateway without the issuer refuses the path as API Gateway refuses any other (403): the
  // issuer is there only when its discovery document is.
  if (response.status === 404 || (response.status === 403 && !(await issuerIsThere(url)))) {
    throw new Error(`no local issuer at ${url}: start the gateway with --auth jwt`);
  }
  if (!response.ok || !answer.access_token) throw new Error(`the issuer answered ${response.status}: ${answer.message ?? 'no token'}`);
  return answer.access_token;
}

/** Whether the local issuer whose mint URL is `mintUrl` answers its discovery document. */
async function issuerIsThere(mintUrl: string): Promise<boolean> {
  const discovery = mintUrl.slice(0, -ISSUER_PATHS.mint.length) + ISSUER_PATHS.discovery;
  return fetch(discovery).then(
    (response) => response.ok,
    () => false,
  );
}
