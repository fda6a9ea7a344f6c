import type { RoomEventName } from './server-events.js';
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { Server, type Socket } from 'socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Config } from '../../config.js';
import type { FeatureFlags } from '../flags.js';
import type { HotState } from '../hotstate/index.js';
import { holdsGrant, STAFF_ACCESS, type TokenVerifier } from '../http/route-config.js';
import type { Logger } from '../observability/logger.js';
import { BODY_LIMIT_BYTES } from '../http/server.js';
import type { LoadGauge } from '../http/overload.js';
import { SocketDispatcher } from './dispatcher.js';
import { ADMIN_ROOM, userRoom, type EmitOptions, type RealtimeEmitter, type RealtimeHub } from './emitter.js';
import { SocketEventRegistry } from './event-registry.js';
import { authenticateHandshake } from './handshake.js';
import { LEGACY_OUTGOING, LegacyUsageLog } from './legacy.js';
import { redisNamespace } from './redis-namespace.js';
import { createRedisClient, type RedisTarget } from '../redis-connection.js';
import { RoomLog } from './room-log.js';
import { SessionManager, userOf, type SessionGuard } from './sessions.js';
import { SocketLimits } from './socket-limits.js';
import { socketConnections, socketEmits } from './socket-metrics.js';
import { SnapshotRegistry, syncEvent } from './sync.js';

/** Connection state recovery window: a client back within this gets the missed packets from Socket.IO itself. */
const RECOVERY_WINDOW_MS = 2 * 60_000;
/** How long start-up waits for Redis before serving single-node and catching up in the background. */
const REDIS_READY_WAIT_MS = 2_000;
/** The adapter's XREAD blocks this long when idle; it also bounds how long a closed gateway keeps its reader. */
const ADAPTER_BLOCK_MS = 1_000;

export interface GatewayOptions {
  httpServer: HttpServer;
  config: Config;
  log: Logger;
  hotState: HotState;
  flags: FeatureFlags;
  hub: RealtimeHub;
  verify: TokenVerifier;
  /** Session liveness and current role from the auth module: ended sessions lose their sockets on every node. */
  guard: SessionGuard;
  /** The node's load level: past a threshold, client events are shed by their `shedding` class. */
  load: LoadGauge;
}

function originFilter(origins: string[]) {
  return (req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void) => {
    const origin = req.headers.origin;
    // Native apps send no Origin; browsers must come from a configured host (seed 000 "Security").
    const ok = !origin || origins.length === 0 || origins.includes(origin);
    callback(ok ? null : 'origin not allowed', ok);
  };
}

/**
 * The Socket.IO side of the HTTP server: handshake auth, rooms, the client
 * event pipeline and the server → client emitter every module uses through
 * `platform.realtime`. With REDIS_URL, rooms span every node through the
 * Redis streams adapter; while Redis is unreachable it serves its own node.
 */
/** See SocketGateway.localRoom. */
export interface LocalRoom {
  size(): number;
  emit(event: string, payload: unknown): void;
}

export class SocketGateway implements RealtimeEmitter {
  readonly events = new SocketEventRegistry();
  readonly snapshots = new SnapshotRegistry();
  readonly io: Server;
  readonly sessions: SessionManager;
  private readonly roomLog: RoomLog;
  private readonly legacy: LegacyUsageLog;
  private readonly stopSessionWatch: () => void;

  private constructor(
    private readonly opts: GatewayOptions,
    private readonly redis: Redis | undefined,
  ) {
    const { config, log } = opts;
    this.roomLog = new RoomLog(opts.hotState);
    this.legacy = new LegacyUsageLog(log);
    this.sessions = new SessionManager({
      maxPerUser: config.SOCKET_MAX_PER_USER,
      warningMs: config.SOCKET_TOKEN_WARNING_S * 1000,
      guard: opts.guard,
      log,
    });
    this.stopSessionWatch = opts.guard.onChange((sessionId) => void this.sessions.recheck(sessionId));
    const ns = redisNamespace(config.DB_SCHEMA);
    this.io = new Server(opts.httpServer, {
      serveClient: false,
      transports: ['websocket'],
      maxHttpBufferSize: BODY_LIMIT_BYTES, // same 100 KB cap as HTTP bodies (seed 000 "Security")
      pingInterval: config.SOCKET_PING_INTERVAL_MS,
      pingTimeout: config.SOCKET_PING_TIMEOUT_MS,
      allowRequest: originFilter(config.CORS_ORIGINS),
      // Recovered sockets run the handshake again: an expired token must not ride a recovery.
      connectionStateRecovery: { maxDisconnectionDuration: RECOVERY_WINDOW_MS, skipMiddlewares: false },
      ...(redis
        ? {
            adapter: createAdapter(redis, {
              blockTimeInMs: ADAPTER_BLOCK_MS,
              streamName: `${ns}socket.io`,
              channelPrefix: `${ns}socket.io`,
              sessionKeyPrefix: `${ns}sio:session:`,
            }),
          }
        : {}),
    });
    const limits = new SocketLimits(
      {
        connectsPerIpPerMin: config.SOCKET_CONNECTS_PER_IP_PER_MIN,
        eventsPer10s: config.SOCKET_EVENTS_PER_10S,
        disabled: config.RATE_LIMITS_DISABLED,
        keyPrefix: ns,
      },
      redis,
    );
    const dispatcher = new SocketDispatcher({
      registry: this.events,
      limits,
      sessions: this.sessions,
      legacy: this.legacy,
      flags: opts.flags,
      load: opts.load,
      log,
    });
    this.io.use(authenticateHandshake({ verify: opts.verify, limits, log }));
    this.io.on('connection', (socket) => this.onConnection(socket, dispatcher));
    this.events.register(this.sessions.refreshEvent(opts.verify));
    this.events.register(syncEvent(this.roomLog, this.snapshots));
  }

  static async create(opts: GatewayOptions): Promise<SocketGateway> {
    const redis = opts.config.redis ? await SocketGateway.connectRedis(opts.config.redis, opts.log) : undefined;
    const gateway = new SocketGateway(opts, redis);
    opts.hub.attach(gateway);
    return gateway;
  }

  private static async connectRedis(target: RedisTarget, log: Logger): Promise<Redis> {
    // One retry per command: while Redis is down, emits go local instead of queueing (see target()).
    const redis = createRedisClient(target, { maxRetriesPerRequest: 1 });
    let down = false;
    redis.on('error', (err: Error) => {
      if (!down) log.warn({ err: err.message }, 'socket gateway: redis unavailable; serving this node only');
      down = true;
    });
    redis.on('ready', () => {
      if (down) log.info('socket gateway: redis back; rooms span every node again');
      down = false;
    });
    await Promise.race([once(redis, 'ready'), sleep(REDIS_READY_WAIT_MS)]).catch(() => {});
    return redis;
  }

  /** The cross-node Redis connection (REDIS_URL), shared with the HTTP rate limits. */
  get redisClient(): Redis | undefined {
    return this.redis;
  }

  /** True while the cross-node adapter cannot reach Redis (readiness reports it as degraded). */
  get degraded(): boolean {
    return this.redis !== undefined && this.redis.status !== 'ready';
  }

  private onConnection(socket: Socket, dispatcher: SocketDispatcher): void {
    const user = userOf(socket);
    void socket.join(userRoom(user.id));
    if (holdsGrant(user, STAFF_ACCESS.fleet)) void socket.join(ADMIN_ROOM);
    this.sessions.admit(socket);
    dispatcher.attach(socket);
    socketConnections.inc();
    socket.on('disconnect', () => {
      this.sessions.release(socket);
      socketConnections.dec();
    });
  }

  /** Every node through Redis, or only this one while Redis is away (an await on a dead link would stall delivery). */
  private target() {
    return this.degraded ? this.io.local : this.io;
  }

  /**
   * This node's own members of a room and an emit that reaches only them: for feeds every node computes itself
   * from shared state (the console's fleet map), where forwarding through Redis would deliver each one N times.
   */
  localRoom(room: string): LocalRoom {
    return {
      size: () => this.io.of('/').adapter.rooms.get(room)?.size ?? 0,
      emit: (event, payload) => void this.io.local.to(room).emit(event, payload),
    };
  }

  toUser(userId: string, event: RoomEventName, payload: Record<string, unknown>, opts?: EmitOptions): void {
    this.toRoom(userRoom(userId), event, payload, opts);
  }

  toAdmins(event: RoomEventName, payload: Record<string, unknown>, opts?: EmitOptions): void {
    this.toRoom(ADMIN_ROOM, event, payload, opts);
  }

  toRoom(room: string, event: RoomEventName, payload: Record<string, unknown>, opts: EmitOptions = {}): void {
    this.publish(room, event, payload, opts).catch((err: unknown) =>
      this.opts.log.warn({ err, room, event }, 'socket emit failed'),
    );
  }

  /** The room's last `seq`, for clients that join and want to know where they start. */
  currentSeq(room: string): Promise<number> {
    return this.roomLog.currentSeq(room);
  }

  joinUserToRoom(userId: string, room: string): void {
    this.target().in(userRoom(userId)).socketsJoin(room);
  }

  removeUserFromRoom(userId: string, room: string): void {
    this.target().in(userRoom(userId)).socketsLeave(room);
  }

  /** Every node's sockets of the user (through the adapter; this node's only while Redis is away). */
  async hasLiveSocket(userId: string): Promise<boolean> {
    return (await this.target().in(userRoom(userId)).fetchSockets()).length > 0;
  }

  private async publish(
    room: string,
    event: RoomEventName,
    payload: Record<string, unknown>,
    opts: EmitOptions,
  ): Promise<void> {
    const seq = await this.roomLog.nextSeq(room);
    const message = { ...payload, room, seq };
    let op = this.target().to(room);
    if (opts.exceptRooms && opts.exceptRooms.length > 0) op = op.except(opts.exceptRooms);
    if (opts.volatile) op = op.volatile;
    const names = [event, ...(opts.aliases ?? [])];
    const legacyName = LEGACY_OUTGOING[event];
    if (legacyName && this.opts.flags.isOn('LEGACY_EVENTS')) {
      names.push(legacyName);
      this.legacy.outgoing(event, legacyName);
    }
    for (const name of names) op.emit(name, message);
    socketEmits.inc({ event });
    await this.roomLog.record(room, { seq, event, payload: message, ...(opts.volatile ? { volatile: true } : {}) });
  }

  /** Disconnects this node's sockets and stops the adapter; the HTTP server is closed by its owner. */
  async close(): Promise<void> {
    this.opts.hub.detach(this);
    this.stopSessionWatch();
    this.io.local.disconnectSockets(true);
    await Promise.resolve(this.io.of('/').adapter.close()).catch(() => {});
    this.io.engine.close();
    if (!this.redis) return;
    if (this.redis.status !== 'ready') return this.redis.disconnect();
    await this.redis.quit().catch(() => this.redis?.disconnect());
  }
}
