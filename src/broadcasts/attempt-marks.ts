/** A row about to be sent: its delivery id and its batch's lease owner. */
export interface AttemptRow {
  id: string;
  owner: string;
}

/**
 * Group commit of "attempted" marks: each sender asks `start(row)` right before its Graph call and waits
 * for the answer; the marks asked while one write is in flight go together in the next write, so a
 * drain with `concurrency` senders costs about one UPDATE per round of sends, not one per send, and no
 * row is marked before its own call is about to start. `write` returns the ids it marked; `start`
 * answers false for a row that is no longer ours (it must not be sent).
 */
export class AttemptMarks {
  private waiting: Array<{ row: AttemptRow; resolve: (ok: boolean) => void; reject: (error: unknown) => void }> = [];
  private writing = false;

  constructor(private readonly write: (rows: AttemptRow[]) => Promise<Set<string>>) {}

  start(row: AttemptRow): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.waiting.push({ row, resolve, reject });
      if (!this.writing) {
        this.writing = true;
        void this.pump();
      }
    });
  }

  private async pump(): Promise<void> {
    // One microtask turn first, so senders released by the same event join the first write.
    await Promise.resolve();
    while (this.waiting.length > 0) {
      const group = this.waiting.splice(0);
      try {
        const marked = await this.write(group.map((g) => g.row));
        for (const g of group) g.resolve(marked.has(g.row.id));
      } catch (error) {
        for (const g of group) g.reject(error);
      }
    }
    this.writing = false;
  }
}
