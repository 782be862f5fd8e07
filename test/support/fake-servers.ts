import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RawData, WebSocket, WebSocketServer } from 'ws';

// ---------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------

export interface FakeResponse {
  status?: number;
  headers?: Record<string, string | string[]>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  /** Real milliseconds to wait before answering (keep tiny). */
  delayMs?: number;
  /** Announce the full Content-Length, send this many bytes, then cut the connection. */
  truncateAt?: number;
  /** Send the headers and this many bytes of the body, then go silent. */
  stallAt?: number;
  /** Never answer (the client's timeout must fire). */
  hang?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Time from the `now` option when the request arrived (e.g. a test clock), else null. */
  atMs: number | null;
}

export type QueryMatch = Record<string, string | RegExp>;

/** One response, a scripted sequence (the last one repeats), or a function of the request. */
export type Responder = FakeResponse | FakeResponse[] | ((req: RecordedRequest, n: number) => FakeResponse);

export interface RouteSpec {
  path: string | RegExp;
  query?: QueryMatch;
  respond: Responder;
}

interface Route extends RouteSpec {
  calls: number;
}

/**
 * A real node:http server on 127.0.0.1 and a free port, answering from a route table and recording
 * every request. Routes added later win, so a test can override a default.
 */
export class FakeHttpServer {
  readonly requests: RecordedRequest[] = [];
  private readonly routes: Route[] = [];
  private readonly open = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly now?: () => number,
  ) {}

  static async start(opts: { routes?: RouteSpec[]; now?: () => number } = {}): Promise<FakeHttpServer> {
    let self: FakeHttpServer | null = null;
    const server = createServer((req, res) =>
      self?.handle(req.method ?? 'GET', req.url ?? '/', req.headers, res),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    self = new FakeHttpServer(server, `http://127.0.0.1:${port}`, opts.now);
    for (const r of opts.routes ?? []) self.route(r);
    return self;
  }

  route(spec: RouteSpec): this {
    this.routes.unshift({ ...spec, calls: 0 });
    return this;
  }

  requestsTo(path: string | RegExp): RecordedRequest[] {
    return this.requests.filter((r) => (typeof path === 'string' ? r.path === path : path.test(r.path)));
  }

  async close(): Promise<void> {
    for (const res of this.open) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(method: string, rawUrl: string, headers: IncomingHttpHeaders, res: ServerResponse): void {
    const u = new URL(rawUrl, 'http://fake');
    const req: RecordedRequest = {
      method,
      path: u.pathname,
      query: u.searchParams,
      headers,
      atMs: this.now?.() ?? null,
    };
    this.requests.push(req);
    const route = this.routes.find((r) => matches(r, req));
    if (!route) {
      send(res, { status: 404, body: { error: `no fake route for ${u.pathname}${u.search}` } });
      return;
    }
    const n = route.calls++;
    const r = route.respond;
    const answer = typeof r === 'function' ? r(req, n) : Array.isArray(r) ? r[Math.min(n, r.length - 1)] : r;
    if (!answer) throw new Error(`route ${String(route.path)} has an empty response sequence`);
    if (answer.hang || answer.stallAt !== undefined) {
      this.open.add(res);
      res.on('close', () => this.open.delete(res));
      if (answer.stallAt !== undefined) send(res, answer);
      return;
    }
    if (answer.delayMs) setTimeout(() => send(res, answer), answer.delayMs);
    else send(res, answer);
  }
}

function matches(route: RouteSpec, req: RecordedRequest): boolean {
  if (typeof route.path === 'string' ? route.path !== req.path : !route.path.test(req.path)) return false;
  for (const [k, want] of Object.entries(route.query ?? {})) {
    const got = req.query.get(k);
    if (got === null) return false;
    if (typeof want === 'string' ? got !== want : !want.test(got)) return false;
  }
  return true;
}

function send(res: ServerResponse, a: FakeResponse): void {
  if (res.destroyed) return;
  const json = a.body !== undefined && typeof a.body !== 'string';
  const text = a.body === undefined ? '' : typeof a.body === 'string' ? a.body : JSON.stringify(a.body);
  const buf = Buffer.from(text);
  const headers: Record<string, string | string[]> = {
    'content-type': json ? 'application/json' : 'text/plain',
    'content-length': String(buf.length),
    ...a.headers,
  };
  res.writeHead(a.status ?? 200, headers);
  if (a.stallAt !== undefined) {
    res.write(buf.subarray(0, a.stallAt));
    return;
  }
  if (a.truncateAt !== undefined) {
    res.write(buf.subarray(0, a.truncateAt));
    // Let the partial body leave before the socket dies.
    setTimeout(() => res.socket?.destroy(), 5);
    return;
  }
  res.end(buf);
}

// ---------------------------------------------------------------------------------------------
// Bybit WebSocket
// ---------------------------------------------------------------------------------------------

export interface FakeWsConnection {
  socket: WebSocket;
  id: string;
  received: Record<string, unknown>[];
}

/**
 * A real `ws` server on 127.0.0.1 that speaks Bybit's public v5 protocol: acks `subscribe`,
 * answers `{"op":"ping"}` with a pong, pushes scripted messages and can drop connections.
 */
export class FakeBybitWsServer {
  readonly connections: FakeWsConnection[] = [];
  /** Sent right after a subscribe ack, per topic (e.g. a snapshot). */
  onSubscribe: ((topic: string, conn: FakeWsConnection) => unknown[]) | null = null;
  answerPings = true;

  private constructor(
    private readonly wss: WebSocketServer,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeBybitWsServer> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    const { port } = wss.address() as AddressInfo;
    const self = new FakeBybitWsServer(wss, `ws://127.0.0.1:${port}/v5/public/linear`);
    wss.on('connection', (socket) => self.accept(socket));
    return self;
  }

  /** Messages with `op` received over all connections, in order. */
  ops(op: string): Record<string, unknown>[] {
    return this.connections.flatMap((c) => c.received.filter((m) => m.op === op));
  }

  openConnections(): FakeWsConnection[] {
    return this.connections.filter((c) => c.socket.readyState === WebSocket.OPEN);
  }

  push(message: unknown): void {
    const text = JSON.stringify(message);
    for (const c of this.openConnections()) c.socket.send(text);
  }

  /** Cut every connection without a close frame, as a network failure would. */
  dropAll(): void {
    for (const c of this.openConnections()) c.socket.terminate();
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private accept(socket: WebSocket): void {
    const conn: FakeWsConnection = { socket, id: `conn-${this.connections.length + 1}`, received: [] };
    this.connections.push(conn);
    socket.on('message', (data: RawData) => {
      const msg = JSON.parse(data.toString()) as Record<string, unknown>;
      conn.received.push(msg);
      if (msg.op === 'ping' && this.answerPings) {
        socket.send(JSON.stringify({ success: true, ret_msg: 'pong', conn_id: conn.id, op: 'ping' }));
      }
      if (msg.op === 'subscribe') {
        socket.send(
          JSON.stringify({ success: true, ret_msg: '', conn_id: conn.id, req_id: '', op: 'subscribe' }),
        );
        const topics = Array.isArray(msg.args) ? (msg.args as string[]) : [];
        for (const topic of topics) {
          for (const m of this.onSubscribe?.(topic, conn) ?? []) socket.send(JSON.stringify(m));
        }
      }
    });
  }
}
