import { describe, expect, it } from 'vitest';
import { visibleText } from './visible-text.js';

describe('visibleText', () => {
  it('shows bidi overrides and invisible characters instead of obeying them', () => {
    expect(visibleText('invoice\u202Efdp.exe')).toBe('invoice⟨U+202E⟩fdp.exe');
    expect(visibleText('a\u200Bb\uFEFF')).toBe('a⟨U+200B⟩b⟨U+FEFF⟩');
  });

  it('leaves ordinary text, including non-Latin scripts, alone', () => {
    expect(visibleText('héllo мир 你好 <b>')).toBe('héllo мир 你好 <b>');
  });
});
