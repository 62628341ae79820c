import { randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import { createDispatcher } from '../../shared/api/dispatch';
import type { CallResult, EventName } from '../../shared/api/contract';
import type { ErrorCode } from '../../shared/api/errors';
import { CONTENT_SECURITY_POLICY } from '../../shared/api/security';
import type { MainServices } from '../services/mainServices';
import { confine } from '../services/paths';
import { WS_PROTOCOL, WS_TOKEN_PREFIX } from '../../shared/api/contract';

export interface WebHostOptions {
  services: Pick<MainServices, 'handlers' | 'bus'>;
  /** Folder of the built renderer (index.html and assets). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed token (tests); a random one per launch otherwise. */
  token?: string;
  /** Largest accepted request body in bytes. */
  maxBodyBytes?: number;
  /** Validate every output against the contract (tests). */
  checkOutput?: boolean;
  log?: (line: string) => void;
}

export interface WebHost {
  url: string;
  /** The address the server is bound to: always 127.0.0.1. */
  address: string;
  /** The URL to open: the token travels in the fragment, which browsers never send to the server. */
  launchUrl: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const STATUS: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  UNKNOWN_METHOD: 404,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  NO_PROJECT: 409,
  INVALID_PROJECT: 422,
  CONFLICT: 409,
  PATH_OUTSIDE_PROJECT: 403,
  FILE_KIND_NOT_ALLOWED: 403,
  FOLDER_NOT_EMPTY: 409,
  NOT_A_FILE: 422,
  TOO_LARGE: 413,
  DISK_FULL: 507,
  PERMISSION_DENIED: 403,
  READ_ONLY: 409,
  BAD_KEY: 400,
  INTERNAL: 500,
};

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** The request target's path, percent-decoded; null when it is not a valid URL or has bad percent-encoding. */
function decodedPath(target: string): string | null {
  try {
    return decodeURIComponent(new URL(target, 'http://localhost').pathname);
  } catch {
    return null;
  }
}

/**
 * The web host: the same services as the Electron host, over HTTP and a WebSocket on 127.0.0.1 only.
 * Every request is checked for Host and Origin (DNS rebinding and cross-site requests get 403, static files
 * included); every API call and socket needs the per-launch token (401 without it).
 */
export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const tokenBuf = Buffer.from(token);
  const maxBody = opts.maxBodyBytes ?? 16 * 1024 * 1024;
  const log = opts.log ?? (() => undefined);
  const dispatch = createDispatcher(opts.services.handlers, {
    checkOutput: opts.checkOutput ?? false,
    onInternalError: (method, e) => log(`internal error in ${method}: ${e instanceof Error ? e.message : String(e)}`),
  });
  let port = 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  const tokenOk = (candidate: string | undefined): boolean => {
    if (!candidate) return false;
    const buf = Buffer.from(candidate);
    return buf.length === tokenBuf.length && timingSafeEqual(buf, tokenBuf);
  };

  /** Host and Origin checks shared by HTTP requests and socket upgrades. Returns a reason to refuse, or null. */
  const refuse = (req: IncomingMessage, requireOrigin: boolean): string | null => {
    const host = req.headers.host;
    if (!host || !allowedHosts().has(host.toLowerCase())) return 'unexpected Host header';
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin)) return 'cross-origin request refused';
    if (requireOrigin && origin === undefined) return 'missing Origin';
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') return 'cross-site request refused';
    return null;
  };

  const sendJson = (res: ServerResponse, status: number, body: unknown) => {
    const data = JSON.stringify(body);
    res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(data);
  };
  const sendError = (res: ServerResponse, code: ErrorCode, message: string) =>
    sendJson(res, STATUS[code], { ok: false, error: { code, message } } satisfies CallResult);

  async function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBody) return 'too-large';
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > maxBody) return 'too-large';
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') return sendError(res, 'BAD_REQUEST', 'use POST');
    const auth = req.headers.authorization;
    if (!tokenOk(auth?.startsWith('Bearer ') ? auth.slice(7) : undefined)) return sendError(res, 'UNAUTHORIZED', 'missing or wrong token');
    // no header at all is String(undefined): not JSON either
    if (!String(req.headers['content-type']).startsWith('application/json')) {
      return sendJson(res, 415, { ok: false, error: { code: 'BAD_REQUEST', message: 'Content-Type must be application/json' } });
    }
    const body = await readBody(req);
    if (body === 'too-large') {
      res.setHeader('Connection', 'close');
      return sendError(res, 'TOO_LARGE', `request body larger than ${maxBody} bytes`);
    }
    let message: unknown;
    try {
      message = JSON.parse(body.toString('utf8'));
    } catch {
      return sendError(res, 'BAD_REQUEST', 'body is not valid JSON');
    }
    const { method, input } = (message ?? {}) as { method?: unknown; input?: unknown };
    const result = await dispatch(method, input);
    sendJson(res, result.ok ? 200 : (STATUS[result.error.code as ErrorCode] ?? 500), result);
  }

  async function handleStatic(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, SECURITY_HEADERS).end();
      return;
    }
    let rel = pathname.replace(/^\/+/, '');
    if (rel === '') rel = 'index.html';
    let file: string;
    try {
      file = await confine(opts.rendererDir, rel);
    } catch {
      res.writeHead(404, SECURITY_HEADERS).end();
      return;
    }
    let data: Buffer;
    try {
      data = await fs.readFile(file);
    } catch {
      if (path.extname(rel) !== '') {
        res.writeHead(404, SECURITY_HEADERS).end();
        return;
      }
      file = path.join(opts.rendererDir, 'index.html'); // client-side routes
      data = await fs.readFile(file);
    }
    const isHtml = file.endsWith('.html');
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream',
      'Cache-Control': isHtml ? 'no-store' : 'public, max-age=31536000, immutable',
    });
    res.end(data); // Node sends no body in answer to HEAD
  }

  const server = http.createServer((req, res) => {
    const reason = refuse(req, false);
    if (reason) {
      res.writeHead(403, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`403 Forbidden: ${reason}\n`);
      return;
    }
    // a server's request always has a url
    const pathname = decodedPath(String(req.url));
    if (pathname === null) {
      res.writeHead(400, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('400 Bad Request: malformed URL\n');
      return;
    }
    const isApi = String(req.url).startsWith('/api/');
    (isApi ? handleApi(req, res) : handleStatic(req, res, pathname)).catch((e: unknown) => {
      log(`request failed: ${e instanceof Error ? e.message : String(e)}`);
      if (!res.headersSent) sendError(res, 'INTERNAL', 'request failed');
      else res.destroy();
    });
  });
  // Node's own requestTimeout (5 minutes) bounds a request that never finishes.

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024,
    handleProtocols: () => WS_PROTOCOL, // the upgrade handler below has checked that it was offered
  });
  server.on('upgrade', (req, socket, head) => {
    const deny = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (refuse(req, true)) return deny(403, 'Forbidden');
    const pathname = decodedPath(String(req.url));
    if (pathname === null) return deny(400, 'Bad Request');
    if (pathname !== '/api/events') return deny(404, 'Not Found');
    const protocols = String(req.headers['sec-websocket-protocol']) // 'undefined' when absent: offers no token
      .split(',')
      .map((s) => s.trim());
    const offered = protocols.find((p) => p.startsWith(WS_TOKEN_PREFIX));
    if (!tokenOk(offered?.slice(WS_TOKEN_PREFIX.length)) || !protocols.includes(WS_PROTOCOL)) return deny(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => {
      // wss.clients tracks the open sockets; an 'error' listener keeps a broken socket from throwing
      ws.on('error', () => undefined);
      // The socket is one-way (main → renderer); anything the page sends is ignored.
    });
  });
  const unsubscribe = opts.services.bus.subscribe((event: EventName, payload: unknown) => {
    const data = JSON.stringify({ event, payload });
    for (const ws of wss.clients) ws.send(data); // a socket closing meanwhile drops it
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const bound = server.address() as AddressInfo;
  port = bound.port;
  const url = `http://127.0.0.1:${port}/`;
  return {
    url,
    address: bound.address,
    launchUrl: `${url}#token=${token}`,
    token,
    port,
    async close() {
      unsubscribe();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
