import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { jobCatalog } from './jobs.ts';
import { bullPrefix, bullQueueName, QUEUES, queueNames } from './names.ts';
import { InvalidJobError, parseJob } from './parse.ts';

describe('parseJob', () => {
  it('returns the parsed payload, narrowed by job name', () => {
    const parsed = parseJob('acceptance', {
      id: '1',
      name: 'acceptanceTimeout',
      data: { orderId: 'o_1', siteId: 'site-7', attempt: 2, extra: 'dropped' },
    });
    expect(parsed).toEqual({
      name: 'acceptanceTimeout',
      data: { orderId: 'o_1', siteId: 'site-7', attempt: 2 },
    });
    if (parsed.name === 'acceptanceTimeout') expect(parsed.data.attempt + 1).toBe(3);
  });

  it('fails a bad payload loudly and unrecoverably, naming each field', () => {
    const take = () =>
      parseJob('acceptance', { id: '9', name: 'acceptanceTimeout', data: { orderId: 'o_1', attempt: 0 } });
    expect(take).toThrowError(InvalidJobError);
    expect(take).toThrowError(UnrecoverableError);
    expect(take).toThrowError(
      /job 9 \(acceptanceTimeout\) on queue acceptance: invalid payload: .*siteId.*attempt/,
    );
  });

  it('refuses a job that is not in the catalog, or not for this queue', () => {
    expect(() => parseJob('acceptance', { name: 'mystery', data: {} })).toThrowError(
      /no such job on this queue/,
    );
    expect(() =>
      parseJob('acceptance', {
        name: 'webhookDelivery',
        data: { messageId: 'm', webhookId: 'w', orderId: 'o' },
      }),
    ).toThrowError(InvalidJobError);
  });
});

describe('catalog', () => {
  it('sends every job to a known queue, with retries and a deterministic id', () => {
    for (const definition of Object.values(jobCatalog)) {
      expect(queueNames).toContain(definition.queue);
      expect(definition.defaults.attempts).toBeGreaterThan(1);
      // Waiting for a courier polls at a steady pace; everything else backs off exponentially.
      expect(definition.defaults.backoff.type).toBe(
        definition === jobCatalog.courierAssignment ? 'fixed' : 'exponential',
      );
    }
    expect(jobCatalog.acceptanceTimeout.jobId({ orderId: 'o_1', attempt: 3 })).toBe('acceptance.o_1.3');
  });

  it('keeps queue keys under REDIS_PREFIX, one hash slot per queue', () => {
    expect(`${bullPrefix('qh')}:${bullQueueName(QUEUES.acceptance)}:wait`).toBe('qh:bull:{acceptance}:wait');
  });
});
