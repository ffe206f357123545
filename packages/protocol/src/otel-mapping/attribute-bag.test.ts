import { describe, expect, it } from 'vitest';
import { AttributeBag } from './attribute-bag.js';

describe('AttributeBag', () => {
  it('take returns the first present key and marks every present one as mapped', () => {
    const bag = new AttributeBag([['a', 1], ['b', 2], ['c', 3]]);
    expect(bag.take('x', 'b', 'a')).toBe(2);
    expect(bag.rest()).toEqual([['c', 3]]);
  });

  it('takeString accepts numbers and booleans, not empty strings', () => {
    const bag = new AttributeBag([['n', 42], ['e', ''], ['t', true]]);
    expect(bag.takeString('n')).toBe('42');
    expect(bag.takeString('e')).toBeUndefined();
    expect(bag.takeString('t')).toBe('true');
  });

  it('takeNumber falls through non-numeric values and accepts numeric strings', () => {
    const bag = new AttributeBag([['a', 'n/a'], ['b', '9007199254740993'], ['c', 1]]);
    expect(bag.takeNumber('a', 'b', 'c')).toBe(9007199254740992);
    expect(bag.rest()).toEqual([]);
  });

  it('takePrefix skips keys already taken; a key given twice keeps its last value', () => {
    const bag = new AttributeBag([['p.0', 'x'], ['p.1', 'y'], ['p.1', 'z']]);
    bag.take('p.0');
    expect(bag.takePrefix('p.')).toEqual([['p.1', 'z']]);
  });

  it('treats a key holding undefined as present: taken, and the next present key gives the value', () => {
    const bag = new AttributeBag([['a', undefined], ['b', 2], ['c', undefined], ['d', '7']]);
    expect(bag.take('x', 'a', 'b')).toBe(2);
    expect(bag.takeNumber('c', 'd')).toBe(7);
    expect(bag.rest()).toEqual([]);
    const plain = new AttributeBag([['b', 2]]);
    expect(plain.take('a', 'b')).toBe(2);
    expect(plain.takeNumber('a')).toBeUndefined();
    expect(plain.rest()).toEqual([]);
  });
});
