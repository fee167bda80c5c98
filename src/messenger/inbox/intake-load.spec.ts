import { IntakeLoad } from './intake-load';

describe('IntakeLoad', () => {
  let now = 0;
  const load = (): IntakeLoad => new IntakeLoad(() => now);
  beforeEach(() => (now = 1_000));

  it('is busy during a burst, and stays busy while a new window is still counting', () => {
    const intake = load();
    for (let i = 0; i < 25; i++, now += 2) intake.arrived();
    expect(intake.busy()).toBe(true);
    now += 60;
    intake.arrived();
    expect(intake.busy()).toBe(true);
  });

  it('is not busy with a steady trickle, even one that never stops', () => {
    const intake = load();
    for (let i = 0; i < 100; i++, now += 40) {
      intake.arrived();
      expect(intake.busy()).toBe(false);
    }
  });

  it('is no longer busy once the burst has been over for two windows', () => {
    const intake = load();
    for (let i = 0; i < 50; i++, now += 1) intake.arrived();
    now += 250;
    expect(intake.busy()).toBe(false);
  });
});
