/**
 * One lab "EC2 instance": a small HTTP app. Every request to `/` writes a row and reads a count
 * through the DB endpoint, so a database failover is visible in the web tier; `/aurora` does the
 * same through lab-aurora's writer endpoint, so an Aurora failover is too. `/health` answers
 * without a database (like a typical shallow ALB health check). Every answer names the instance
 * in the `x-drillproof-instance` header.
 *
 * Run as its own process by the lab supervisor; configured through environment variables.
 */
import { createServer } from 'node:http';
import pg from 'pg';

const instanceId = process.env.LAB_INSTANCE_ID ?? 'i-unknown';
const az = process.env.LAB_AZ ?? 'unknown';
const port = Number(process.env.LAB_PORT ?? '0');

function dbPool(host: string | undefined, port: string | undefined): pg.Pool {
  const p = new pg.Pool({
    host: host ?? '127.0.0.1',
    port: Number(port ?? '5432'),
    user: process.env.LAB_DB_USER,
    password: process.env.LAB_DB_PASSWORD,
    database: process.env.LAB_DB_NAME,
    max: 8,
    connectionTimeoutMillis: 1000,
    query_timeout: 2000,
    idleTimeoutMillis: 10_000,
  });
  // Idle clients die when the primary goes away; without a handler the process would crash.
  p.on('error', () => {});
  return p;
}

interface Db {
  pool: pg.Pool;
  ready: boolean;
}
const db: Db = { pool: dbPool(process.env.LAB_DB_HOST, process.env.LAB_DB_PORT), ready: false };
// The cluster's writer endpoint: the same user and database as lab-db (absent with --no-aurora).
const aurora: Db | null = process.env.LAB_AURORA_PORT
  ? { pool: dbPool(process.env.LAB_AURORA_HOST, process.env.LAB_AURORA_PORT), ready: false }
  : null;

async function ensureSchema(d: Db): Promise<void> {
  if (d.ready) return;
  await d.pool.query(
    'CREATE TABLE IF NOT EXISTS lab_visits (id bigserial PRIMARY KEY, instance_id text NOT NULL, at timestamptz NOT NULL DEFAULT now())',
  );
  d.ready = true;
}

const server = createServer((req, res) => {
  res.setHeader('x-drillproof-instance', instanceId);
  res.setHeader('x-drillproof-az', az);
  if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok\n');
    return;
  }
  const d = req.url === '/aurora' ? aurora : db;
  if (!d) {
    res.writeHead(503, { 'content-type': 'text/plain' });
    res.end(`no lab-aurora cluster in this lab instance=${instanceId}\n`);
    return;
  }
  const started = Date.now();
  ensureSchema(d)
    .then(() => d.pool.query('INSERT INTO lab_visits (instance_id) VALUES ($1) RETURNING id', [instanceId]))
    .then(async (ins) => {
      const id = ins.rows[0]?.id as string;
      const c = await d.pool.query('SELECT count(*)::int AS n FROM lab_visits WHERE instance_id = $1', [instanceId]);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`ok instance=${instanceId} az=${az} visit=${id} visits=${c.rows[0]?.n} ms=${Date.now() - started}\n`);
    })
    .catch((e: Error) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`db error instance=${instanceId}: ${e.message}\n`);
    });
});

server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => {
  console.log(`app ${instanceId} (${az}) listening on 127.0.0.1:${port}`);
});

function shutdown(): void {
  server.close();
  server.closeAllConnections();
  void Promise.allSettled([db.pool.end(), aurora?.pool.end()]).finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 500).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
