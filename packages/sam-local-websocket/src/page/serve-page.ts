import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';

/** The try-it page's files, by the path they are served at. */
const ASSETS: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
};

/** Escapes text for an HTML attribute value: the URL holds the client's own `Host` header. */
export const escapeAttribute = (text: string): string => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/**
 * Serves the built page. The HTML gets the gateway's own WebSocket URL as its suggestion
 * (escaped: it is built from the request's `Host` header, and inserted through a function so
 * no `$` pattern in it is expanded). Returns false for a path that is not the page's.
 */
export function servePage(pageDir: string, pathname: string, webSocketUrl: string, response: ServerResponse): boolean {
  const asset = ASSETS[pathname];
  if (!asset) return false;
  let body = readFileSync(join(pageDir, asset.file));
  if (asset.file === 'index.html') {
    body = Buffer.from(
      body
        .toString('utf8')
        .replace('<meta name="websocket-url" content="" />', () => `<meta name="websocket-url" content="${escapeAttribute(webSocketUrl)}" />`),
    );
  }
  response.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-store' });
  response.end(body);
  return true;
}
