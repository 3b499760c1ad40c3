/**
 * The try-it page: connect to the WebSocket API (local or deployed), broadcast, send raw
 * frames, and watch what arrives. Bundled by esbuild into a classic script, so the page
 * also works opened as a plain file.
 */
import { classifyFrame, connectionUrl, describeClose, type FrameKind } from './frames.js';

type LogKind = FrameKind | 'sent' | 'system';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = {
  url: $<HTMLInputElement>('url'),
  token: $<HTMLInputElement>('token'),
  connect: $<HTMLButtonElement>('connect'),
  reconnect: $<HTMLButtonElement>('reconnect'),
  state: $<HTMLElement>('state'),
  message: $<HTMLInputElement>('message'),
  broadcast: $<HTMLButtonElement>('broadcast'),
  raw: $<HTMLTextAreaElement>('raw'),
  sendRaw: $<HTMLButtonElement>('send-raw'),
  log: $<HTMLOListElement>('log'),
  clear: $<HTMLButtonElement>('clear'),
};

let socket: WebSocket | undefined;
let closingOnPurpose = false;

const STORAGE_KEY = 'websocket-starter-url';
const suggested = document.querySelector<HTMLMetaElement>('meta[name="websocket-url"]')?.content;
form.url.value = localStorage.getItem(STORAGE_KEY) || suggested || '';

function log(kind: LogKind, text: string): void {
  const item = document.createElement('li');
  item.className = `entry ${kind}`;
  item.dataset.kind = kind;
  const time = document.createElement('time');
  time.textContent = new Date().toLocaleTimeString();
  const label = document.createElement('span');
  label.className = 'label';
  label.textContent = kind;
  const body = document.createElement('span');
  body.className = 'text';
  body.textContent = text;
  item.append(time, label, body);
  form.log.append(item);
  item.scrollIntoView({ block: 'nearest' });
}

function setState(state: 'disconnected' | 'connecting' | 'connected' | 'lost', detail = ''): void {
  form.state.dataset.state = state;
  form.state.textContent = detail ? `${state} · ${detail}` : state;
  const open = state === 'connected';
  form.connect.textContent = open || state === 'connecting' ? 'Disconnect' : 'Connect';
  form.broadcast.disabled = !open;
  form.sendRaw.disabled = !open;
  form.reconnect.hidden = state !== 'lost';
}

function connect(): void {
  let url: string;
  try {
    url = connectionUrl(form.url.value, form.token.value);
  } catch {
    log('error', 'That is not a URL: use ws://localhost:3001/dev or wss://{api-id}.execute-api.{region}.amazonaws.com/{stage}');
    return;
  }
  localStorage.setItem(STORAGE_KEY, form.url.value.trim());
  closingOnPurpose = false;
  setState('connecting');
  const current = new WebSocket(url);
  socket = current;
  current.addEventListener('open', () => {
    setState('connected');
    log('system', `connected to ${form.url.value.trim()}`);
  });
  current.addEventListener('message', (event) => {
    const frame = classifyFrame(String(event.data));
    log(frame.kind, frame.text);
  });
  current.addEventListener('close', (event) => {
    if (socket !== current) return;
    socket = undefined;
    const detail = describeClose(event.code);
    if (closingOnPurpose) {
      setState('disconnected', `close code ${detail}`);
      log('system', `disconnected (close code ${detail})`);
    } else {
      // Refused handshakes (401, 403, 500) also land here: browsers hide the HTTP status.
      setState('lost', `close code ${detail}`);
      log('error', `connection closed (close code ${detail}). Reconnect when ready.`);
    }
  });
}

function disconnect(): void {
  closingOnPurpose = true;
  socket?.close(1000, 'Closed from the page');
}

function send(text: string): void {
  if (socket?.readyState !== WebSocket.OPEN) return;
  socket.send(text);
  log('sent', text);
}

form.connect.addEventListener('click', () => (socket ? disconnect() : connect()));
form.reconnect.addEventListener('click', connect);
form.broadcast.addEventListener('click', () => {
  send(JSON.stringify({ action: 'broadcast', data: form.message.value }));
  form.message.value = '';
  form.message.focus();
});
form.message.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !form.broadcast.disabled) form.broadcast.click();
});
form.sendRaw.addEventListener('click', () => send(form.raw.value));
form.clear.addEventListener('click', () => form.log.replaceChildren());
setState('disconnected');
