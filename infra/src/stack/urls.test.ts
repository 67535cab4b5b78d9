import { describe, expect, it } from 'vitest';
import { isLoopbackUrl, privatePostgresUrl, privateRedisUrl, redactUrl } from './urls.ts';

describe('urls', () => {
  it('knows loopback hosts', () => {
    expect(isLoopbackUrl('postgres://postgres@127.0.0.1:5432/quarterhour')).toBe(true);
    expect(isLoopbackUrl('redis://localhost:6379/0')).toBe(true);
    expect(isLoopbackUrl('redis://[::1]:6379/0')).toBe(true);
    expect(isLoopbackUrl('postgres://db.internal:5432/quarterhour')).toBe(false);
  });

  it('masks passwords', () => {
    expect(redactUrl('postgres://app:secret@127.0.0.1:5432/qh')).toBe('postgres://app:***@127.0.0.1:5432/qh');
  });

  it('keeps the database name and number for private servers', () => {
    expect(privatePostgresUrl('postgres://app:pw@127.0.0.1:5432/quarterhour', 41000)).toBe(
      'postgres://postgres@127.0.0.1:41000/quarterhour',
    );
    expect(privateRedisUrl('redis://127.0.0.1:6379/3', 41001)).toBe('redis://127.0.0.1:41001/3');
    expect(privateRedisUrl('redis://127.0.0.1:6379', 41001)).toBe('redis://127.0.0.1:41001/0');
  });
});
