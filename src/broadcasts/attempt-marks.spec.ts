import { AttemptMarks, type AttemptRow } from './attempt-marks';

describe('AttemptMarks', () => {
  it('writes marks asked while a write is in flight together in the next write, and answers per row', async () => {
    const writes: string[][] = [];
    let release: () => void = () => undefined;
    const marks = new AttemptMarks(async (rows: AttemptRow[]) => {
      writes.push(rows.map((r) => r.id));
      if (writes.length === 1) await new Promise<void>((r) => (release = r));
      return new Set(rows.map((r) => r.id).filter((id) => id !== 'lost'));
    });
    const first = marks.start({ id: '1', owner: 'w#1' });
    await Promise.resolve();
    await Promise.resolve();
    const later = [
      marks.start({ id: '2', owner: 'w#1' }),
      marks.start({ id: 'lost', owner: 'w#2' }),
      marks.start({ id: '3', owner: 'w#2' }),
    ];
    release();
    expect(await first).toBe(true);
    expect(await Promise.all(later)).toEqual([true, false, true]);
    expect(writes).toEqual([['1'], ['2', 'lost', '3']]);
  });

  it('fails every waiting sender of a write that fails, and goes on with later ones', async () => {
    let fail = true;
    const marks = new AttemptMarks(async (rows: AttemptRow[]) => {
      if (fail) throw new Error('connection lost');
      return new Set(rows.map((r) => r.id));
    });
    await expect(Promise.all([marks.start({ id: '1', owner: 'o' }), marks.start({ id: '2', owner: 'o' })])).rejects.toThrow(
      'connection lost',
    );
    fail = false;
    expect(await marks.start({ id: '3', owner: 'o' })).toBe(true);
  });
});
