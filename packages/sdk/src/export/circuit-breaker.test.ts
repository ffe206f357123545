import { describe, expect, it } from 'vitest';
import { BREAKER_OPEN_MAX_MS, CircuitBreaker } from './circuit-breaker.js';
import { FakeClock } from './fake-clock.js';

const fail = { kind: 'retryable', cause: 'network' } as const;
const ok = { kind: 'success', status: 200, body: '' } as const;

describe('CircuitBreaker', () => {
  it('opens after the threshold, probes once after the cool-down, doubles it on failure, closes on success', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker(clock, 3);
    const signal = new AbortController().signal;
    for (let i = 0; i < 2; i++) breaker.record(fail);
    expect(breaker.state).toBe('closed');
    breaker.record(fail);
    expect(breaker.state).toBe('open');
    expect(breaker.acceptsTraffic()).toBe(false);

    let probes = 0;
    const a = breaker.acquire(signal).then(() => probes++);
    const b = breaker.acquire(signal).then(() => probes++);
    await clock.advance(999);
    expect(probes).toBe(0);
    await clock.advance(1);
    expect(probes).toBe(1);
    expect(breaker.state).toBe('half-open');
    breaker.record(fail);
    expect(breaker.state).toBe('open');
    await clock.advance(1_999);
    expect(probes).toBe(1);
    await clock.advance(1);
    expect(probes).toBe(2);
    breaker.record(ok);
    expect(breaker.state).toBe('closed');
    await Promise.all([a, b]);
  });

  it('caps the cool-down and lets an abort end the wait', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker(clock, 1);
    const ctl = new AbortController();
    breaker.record(fail);
    for (let i = 0; i < 10; i++) {
      await clock.advance(BREAKER_OPEN_MAX_MS);
      expect(await breaker.acquire(ctl.signal)).toBe(true);
      breaker.record(fail);
    }
    const waiting = breaker.acquire(ctl.signal);
    await clock.advance(BREAKER_OPEN_MAX_MS - 1);
    ctl.abort();
    expect(await waiting).toBe(false);
  });

  it('a 4xx proves the backend alive', () => {
    const breaker = new CircuitBreaker(new FakeClock(), 2);
    breaker.record(fail);
    breaker.record({ kind: 'failure', status: 400, cause: 'http_400' });
    breaker.record(fail);
    expect(breaker.state).toBe('closed');
  });
});
