import { SandboxClock } from './clock';

describe('SandboxClock', () => {
  it('stands still for tests until it is moved', () => {
    const clock = new SandboxClock(1_000);
    expect(clock.now()).toBe(1_000);
    expect(clock.advance(500)).toBe(1_500);
    expect(clock.set(9_000)).toBe(9_000);
    expect(clock.rewind()).toBe(1_000);
  });

  it('follows the wall clock in a local run, shifted by advance and set', () => {
    let wall = 50_000;
    const clock = new SandboxClock(0, () => wall);
    expect(clock.now()).toBe(50_000);
    wall += 1_000;
    expect(clock.now()).toBe(51_000);
    expect(clock.advance(24 * 3600_000)).toBe(51_000 + 24 * 3600_000);
    wall += 1_000;
    expect(clock.now()).toBe(52_000 + 24 * 3600_000);
    expect(clock.set(10)).toBe(10);
    wall += 5;
    expect(clock.now()).toBe(15);
    expect(clock.rewind()).toBe(wall);
  });
});
