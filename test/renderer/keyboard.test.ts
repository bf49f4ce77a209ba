import { describe, expect, it } from 'vitest';
import { KeyboardManager, keyName } from '../../renderer/src/keyboard/keyboard-manager';
import { tokenFromLocation, engineSocketUrl } from '../../renderer/src/client/websocket-client';

function key(k: string, mods: Partial<{ shiftKey: boolean; ctrlKey: boolean; altKey: boolean; metaKey: boolean }> = {}, target: unknown = null) {
  let prevented = false;
  return {
    key: k,
    shiftKey: false,
    ctrlKey: false,
    altKey: false,
    metaKey: false,
    ...mods,
    target,
    preventDefault() {
      prevented = true;
    },
    get prevented() {
      return prevented;
    },
  } as unknown as KeyboardEvent & { prevented: boolean };
}

describe('keyboard manager', () => {
  it('normalises key names', () => {
    expect(keyName(key('F11', { shiftKey: true }))).toBe('Shift+F11');
    expect(keyName(key(' '))).toBe('Space');
    expect(keyName(key('?', { shiftKey: true }))).toBe('?');
    expect(keyName(key('E', { ctrlKey: true, shiftKey: true }))).toBe('Ctrl+Shift+e');
  });

  it('gives a key to the highest layer that handles it; a modal layer blocks the rest', () => {
    const km = new KeyboardManager();
    const log: string[] = [];
    km.push({ id: 'base', priority: 0, handlers: { F10: () => log.push('base F10'), Escape: () => log.push('base Esc') } });
    expect(km.dispatch(key('F10'))).toBe(true);
    const pop = km.push({ id: 'sheet', priority: 100, modal: true, handlers: { Escape: () => log.push('sheet Esc') } });
    km.dispatch(key('Escape'));
    expect(km.dispatch(key('F10'))).toBe(false);
    pop();
    km.dispatch(key('Escape'));
    expect(log).toEqual(['base F10', 'sheet Esc', 'base Esc']);
  });

  it('leaves typing keys to text fields but lets function keys through', () => {
    const km = new KeyboardManager();
    const log: string[] = [];
    km.push({ id: 'base', priority: 0, handlers: { ArrowLeft: () => log.push('left'), F10: () => log.push('F10') } });
    const input = { tagName: 'INPUT', type: 'text', isContentEditable: false };
    expect(km.dispatch(key('ArrowLeft', {}, input))).toBe(false);
    expect(km.dispatch(key('F10', {}, input))).toBe(true);
    expect(log).toEqual(['F10']);
  });
});

describe('web mode connection', () => {
  it('reads the token from the query or the hash and builds the engine socket URL', () => {
    expect(tokenFromLocation({ search: '?token=abc', hash: '' })).toBe('abc');
    expect(tokenFromLocation({ search: '', hash: '#token=xyz' })).toBe('xyz');
    expect(tokenFromLocation({ search: '', hash: '' })).toBeNull();
    expect(engineSocketUrl({ href: 'http://127.0.0.1:4178/?token=abc', protocol: 'http:' }, 'abc')).toBe('ws://127.0.0.1:4178/engine?token=abc');
  });
});
