import { describe, expect, it } from 'vitest';
import { DEFAULT_ENDPOINT, DEFAULT_SERVICE_NAME, resolveOptions } from './options.js';

describe('resolveOptions: argument > environment > default', () => {
  it('uses defaults with an empty environment', () => {
    const o = resolveOptions(undefined, {});
    expect(o).toMatchObject({ enabled: true, endpoint: DEFAULT_ENDPOINT, serviceName: DEFAULT_SERVICE_NAME, sampleRate: 1, flushOnRootEnd: false, handleSignals: false, flushOnBeforeExit: true, redact: true });
    expect(o.apiKey).toBeUndefined();
    expect(o.warnings).toEqual([]);
    expect(DEFAULT_ENDPOINT).toBe('http://127.0.0.1:4318');
  });

  it('reads every WISP_* variable', () => {
    const o = resolveOptions({}, {
      WISP_ENABLED: 'false', WISP_ENDPOINT: 'http://collector:4318', WISP_API_KEY: 'wisp_k', WISP_SAMPLE_RATE: '0.25',
      WISP_SERVICE_NAME: 'svc', WISP_ENVIRONMENT: 'staging', WISP_RELEASE: 'v2', WISP_FLUSH_ON_ROOT_END: '1', WISP_HANDLE_SIGNALS: 'yes',
      WISP_MAX_QUEUE_BYTES: '1048576', WISP_MAX_QUEUE_EVENTS: '500', WISP_MAX_BATCH_EVENTS: '50', WISP_MAX_BATCH_BYTES: '65536',
      WISP_LINGER_MS: '20', WISP_MAX_CONCURRENT_REQUESTS: '2', WISP_REQUEST_TIMEOUT_MS: '3000', WISP_COMPRESSION: 'GZIP',
    });
    expect(o).toMatchObject({
      enabled: false, endpoint: 'http://collector:4318', apiKey: 'wisp_k', sampleRate: 0.25, serviceName: 'svc', environment: 'staging', release: 'v2',
      flushOnRootEnd: true, handleSignals: true, maxQueueBytes: 1048576, maxQueueEvents: 500, maxBatchEvents: 50, maxBatchBytes: 65536,
      lingerMs: 20, maxConcurrentRequests: 2, requestTimeoutMs: 3000, compression: 'gzip',
    });
  });

  it('arguments win over the environment', () => {
    const o = resolveOptions({ enabled: true, endpoint: 'http://arg', sampleRate: 0, lingerMs: 5 }, { WISP_ENABLED: 'false', WISP_ENDPOINT: 'http://env', WISP_SAMPLE_RATE: '1', WISP_LINGER_MS: '99' });
    expect(o).toMatchObject({ enabled: true, endpoint: 'http://arg', sampleRate: 0, lingerMs: 5 });
  });

  it('invalid values fall back to the next source with a warning', () => {
    const o = resolveOptions({ sampleRate: 2, lingerMs: -1 } as never, { WISP_SAMPLE_RATE: 'half', WISP_ENABLED: 'maybe', WISP_LINGER_MS: '10' });
    expect(o).toMatchObject({ sampleRate: 1, enabled: true, lingerMs: 10 });
    expect(o.warnings.join('\n')).toMatch(/option sampleRate has an invalid value/);
    expect(o.warnings.join('\n')).toMatch(/WISP_SAMPLE_RATE="half" is not valid/);
    expect(o.warnings.join('\n')).toMatch(/WISP_ENABLED="maybe" is not valid/);
  });

  it('compression: br, gzip or none; anything else is a warning and the exporter default', () => {
    expect(resolveOptions({}, {}).compression).toBeUndefined();
    expect(resolveOptions({ compression: 'none' }, { WISP_COMPRESSION: 'gzip' }).compression).toBe('none');
    const bad = resolveOptions({ compression: 'zstd' } as never, { WISP_COMPRESSION: 'lz4' });
    expect(bad.compression).toBeUndefined();
    expect(bad.warnings.join('\n')).toMatch(/option compression has an invalid value/);
    expect(bad.warnings.join('\n')).toMatch(/WISP_COMPRESSION="lz4" is not valid/);
  });

  it('merges snapshot limits over the defaults', () => {
    const o = resolveOptions({ snapshotLimits: { maxDepth: 3, maxBytes: -1 } }, {});
    expect(o.snapshotLimits.maxDepth).toBe(3);
    expect(o.snapshotLimits.maxBytes).toBe(256 * 1024);
    expect(o.warnings).toEqual(['snapshotLimits.maxBytes must be a positive number; ignored']);
  });
});
