/**
 * Audience count: how long the plugin takes to count a segment over a topic of 1,000,000 subscribers
 * with order summaries on MariaDB, beside a bare `SELECT COUNT(*)` with the same conditions written by
 * hand (a JOIN on the summaries), in the same run, on the same data.
 *
 *   npm run bench:audience [-- --subscribers 1000000 --repeats 3 --mysql mysql://root@127.0.0.1:3306/test]
 *
 * The data: `subscribers` subscriptions of one topic (95% active, a few zones), 60% of the customers
 * with an order summary (last order 0-364 days ago, 1-7 orders, 0-4,999,999 VND), 10% tagged `vip`.
 * Segments timed: the "ordered in the last 90 days and spent ≥ 1,000,000 VND", one with an OR
 * group over a tag and a time zone under an order condition (both walk the summaries), and that OR alone
 * (it walks the topic's subscribers). Each count is run `repeats` times, ours and the bare one in turn;
 * the medians are reported, and the counts must agree.
 *
 * Prints figures, then one JSON line:
 * {"bench":"audience","subscribers","summaries","segments":[{"name","matched","ours_ms","bare_ms","ratio"}],"ours_ms","bare_ms","ratio"}
 * (the top-level figures are the segment). The run gets its own database, dropped at the end.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { DataSource } from 'typeorm';
import { countAudience } from '../src/audience/audience-count';
import type { SegmentDefinition } from '../src/audience/segment-definition';
import { openDataSource } from '../src/database/data-source';
import { runMigrations } from '../src/database/migrate';
import { aFreshMysqlDatabase, databaseSettings } from './lib/databases';
import { round } from './lib/load';

const PAGE_ID = '404857361234567';
const DAY = 86_400_000;
const log = (line: string): void => void process.stdout.write(`${line}\n`);

interface Timed {
  name: string;
  definition: SegmentDefinition;
  /** The same conditions, by hand: a JOIN/EXISTS query's FROM … WHERE tail, and its parameters. */
  bare: (topicId: string, at: Date) => { sql: string; params: unknown[] };
}

const SEGMENTS: Timed[] = [
  {
    name: 'ordered_90d_spent_1m_vnd',
    definition: {
      match: 'all',
      conditions: [
        { type: 'orderedWithinDays', days: 90 },
        { type: 'spentAtLeast', amount: 1_000_000 },
      ],
    },
    bare: (topicId, at) => ({
      sql: `FROM subscriptions s JOIN customer_order_summaries c ON c.page_id = s.page_id AND c.psid = s.psid
            WHERE s.topic_id = ? AND s.status = 'active' AND (s.token_expires_at IS NULL OR s.token_expires_at > ?)
              AND c.last_order_at >= ? AND c.total_spent >= ?`,
      params: [topicId, at, new Date(at.getTime() - 90 * DAY), 1_000_000],
    }),
  },
  {
    name: 'ordered_3plus_and_vip_or_manila',
    definition: {
      match: 'all',
      conditions: [
        { type: 'ordersAtLeast', count: 3 },
        {
          match: 'any',
          conditions: [
            { type: 'hasTag', tag: 'vip' },
            { type: 'timezone', zones: ['Asia/Manila'] },
          ],
        },
      ],
    },
    bare: (topicId, at) => ({
      sql: `FROM subscriptions s JOIN customer_order_summaries c ON c.page_id = s.page_id AND c.psid = s.psid
            WHERE s.topic_id = ? AND s.status = 'active' AND (s.token_expires_at IS NULL OR s.token_expires_at > ?)
              AND c.orders_count >= ?
              AND (EXISTS (SELECT 1 FROM customer_tags t WHERE t.page_id = s.page_id AND t.psid = s.psid AND t.tag = ?) OR s.timezone = ?)`,
      params: [topicId, at, 3, 'vip', 'Asia/Manila'],
    }),
  },
  {
    name: 'vip_or_manila',
    definition: {
      match: 'any',
      conditions: [
        { type: 'hasTag', tag: 'vip' },
        { type: 'timezone', zones: ['Asia/Manila'] },
      ],
    },
    bare: (topicId, at) => ({
      sql: `FROM subscriptions s
            WHERE s.topic_id = ? AND s.status = 'active' AND (s.token_expires_at IS NULL OR s.token_expires_at > ?)
              AND (EXISTS (SELECT 1 FROM customer_tags t WHERE t.page_id = s.page_id AND t.psid = s.psid AND t.tag = ?) OR s.timezone = ?)`,
      params: [topicId, at, 'vip', 'Asia/Manila'],
    }),
  },
];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      subscribers: { type: 'string', default: '1000000' },
      repeats: { type: 'string', default: '3' },
      mysql: { type: 'string', default: 'mysql://root@127.0.0.1:3306/test' },
    },
  });
  const subscribers = Number(values.subscribers);
  const repeats = Number(values.repeats);
  const db = await aFreshMysqlDatabase(values.mysql, randomBytes(4).toString('hex'));
  const ds = await openDataSource(databaseSettings(db.url));
  try {
    await runMigrations(ds);
    const now = new Date();
    const topicId = randomUUID();
    let t = Date.now();
    const summaries = await seed(ds, topicId, subscribers, now);
    log(`seeded ${subscribers} subscribers, ${summaries} order summaries in ${((Date.now() - t) / 1000).toFixed(1)} s`);

    const results = [];
    for (const segment of SEGMENTS) {
      const bare = segment.bare(topicId, now);
      const ours: number[] = [];
      const hand: number[] = [];
      let matched = -1;
      // One untimed round each warms the buffer pool for both alike.
      await countAudience(ds, topicId, segment.definition, now);
      await ds.query(`SELECT COUNT(*) AS n ${bare.sql}`, bare.params);
      for (let i = 0; i < repeats; i++) {
        t = performance.now();
        const n = await countAudience(ds, topicId, segment.definition, now);
        ours.push(performance.now() - t);
        t = performance.now();
        const [row] = (await ds.query(`SELECT COUNT(*) AS n ${bare.sql}`, bare.params)) as Array<{ n: string | number }>;
        hand.push(performance.now() - t);
        if (Number(row?.n) !== n) throw new Error(`${segment.name}: ours counted ${n}, the bare query ${String(row?.n)}`);
        matched = n;
      }
      const o = median(ours);
      const b = median(hand);
      log(`${segment.name}: ${matched} of ${subscribers}; ours ${o.toFixed(0)} ms, bare ${b.toFixed(0)} ms (median of ${repeats})`);
      results.push({ name: segment.name, matched, ours_ms: round(o, 0), bare_ms: round(b, 0), ratio: round(o / b, 2) });
    }
    const main = results[0]!;
    log(
      JSON.stringify({
        bench: 'audience',
        subscribers,
        summaries,
        segments: results,
        ours_ms: main.ours_ms,
        bare_ms: main.bare_ms,
        ratio: main.ratio,
      }),
    );
  } finally {
    await ds.destroy();
    await db.drop();
  }
}

/**
 * The rows, written by the server itself from MariaDB's sequence engine (seq_1_to_N): a million rows
 * in seconds instead of minutes of client-side batches. Returns the number of order summaries.
 */
async function seed(ds: DataSource, topicId: string, n: number, now: Date): Promise<number> {
  const shopId = randomUUID();
  await ds.query(`INSERT INTO shops (id, name, currency, created_at) VALUES (?, 'Bench shop', 'VND', ?)`, [shopId, now]);
  await ds.query(
    `INSERT INTO pages (id, shop_id, name, platform, access_token_enc, currency, price_per_message, created_at, updated_at)
     VALUES (?, ?, 'Bench Page', 'facebook', 'x', 'VND', 100, ?, ?)`,
    [PAGE_ID, shopId, now, now],
  );
  await ds.query(
    `INSERT INTO topics (id, page_id, title, payload, active, active_title, created_at, updated_at) VALUES (?, ?, 'Sales', 'sales', 1, 'Sales', ?, ?)`,
    [topicId, PAGE_ID, now, now],
  );
  const psid = `CONCAT('7', LPAD(seq, 15, '0'))`;
  await ds.query(
    `INSERT INTO subscriptions (id, page_id, psid, topic_id, token_enc, token_hash, status, timezone, source, opted_in_at, status_changed_at, updated_at)
     SELECT UUID(), ?, ${psid}, ?, 'x', SHA2(CONCAT('t', seq), 256), IF(seq % 20 = 0, 'stopped', 'active'),
            ELT(1 + seq % 4, 'Asia/Manila', 'Asia/Ho_Chi_Minh', 'Asia/Bangkok', NULL), 'optin', ?, ?, ?
       FROM seq_1_to_${n}`,
    [PAGE_ID, topicId, now, now, now],
  );
  await ds.query(
    `INSERT INTO customer_order_summaries (page_id, psid, first_order_at, last_order_at, orders_count, total_spent, currency, last_order_id, last_status, updated_at)
     SELECT ?, ${psid}, ? - INTERVAL (seq % 365 + 30) DAY, ? - INTERVAL (seq % 365) DAY, 1 + seq % 7, (seq * 7919) % 5000000, 'VND',
            CONCAT('SO-', seq), 'DELIVERED', ?
       FROM seq_1_to_${n} WHERE seq % 5 < 3`,
    [PAGE_ID, now, now, now],
  );
  await ds.query(
    `INSERT INTO customer_tags (page_id, psid, tag, created_at) SELECT ?, ${psid}, 'vip', ? FROM seq_1_to_${n} WHERE seq % 10 = 0`,
    [PAGE_ID, now],
  );
  for (const table of ['subscriptions', 'customer_order_summaries', 'customer_tags']) await ds.query(`ANALYZE TABLE ${table}`);
  const [row] = (await ds.query('SELECT COUNT(*) AS n FROM customer_order_summaries')) as Array<{ n: string | number }>;
  return Number(row?.n);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
