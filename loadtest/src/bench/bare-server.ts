/**
 * The baseline of the end-to-end benchmark: Express 5 with `express.json()` and nothing
 * else, answering 201 to the same order bodies the intake gets. What the intake costs
 * beyond it is what routing, reservation and the database add. Run as a child process:
 * PORT=<port> node --import tsx loadtest/src/bench/bare-server.ts
 */
import express from 'express';
import { z } from 'zod';

const { PORT: port } = z.object({ PORT: z.coerce.number().int().min(1).max(65535) }).parse(process.env);

const app = express();
app.use(express.json());
app.get('/readyz', (_req, res) => {
  res.json({ status: 'ready' });
});
let made = 0;
app.post('/v1/orders', (req, res) => {
  made += 1;
  const body = req.body as { externalId?: unknown };
  res.status(201).json({ id: `ord_${made}`, externalId: body.externalId, status: 'accepted' });
});

const server = app.listen(port, '127.0.0.1');
server.keepAliveTimeout = 65_000;
const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
