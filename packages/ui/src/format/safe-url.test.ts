import { describe, expect, it } from 'vitest';
import { safeHttpUrl } from './safe-url.js';

describe('safeHttpUrl', () => {
  it('links absolute http and https URLs', () => {
    expect(safeHttpUrl('https://example.com/a?b=1')).toBe('https://example.com/a?b=1');
    expect(safeHttpUrl('  HTTP://Example.com  ')).toBe('http://example.com/');
  });

  it.each([
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    ' javascript:alert(1)',
    '%6aavascript:alert(1)',
    '&#106;avascript:alert(1)',
    'java\tscript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    '//evil.example/x',
    '/relative/path',
    'https://user:pass@example.com/',
    'http://',
    'https:/\\evil',
  ])('never links %j', (text) => {
    expect(safeHttpUrl(text)).toBeNull();
  });
});
