// Least privilege, as the bootstrap sets it up: the dashboard's role reads and nothing else; the
// generator's role writes events and cannot touch stream tables.
import { describe, expect, inject, it } from 'vitest';
import { type Db, DbError, inTransaction, withDb } from '../../db';
import '../../local/driver';

const { readerCfg, writerCfg } = inject('stack');

/** The SQLSTATE `sql` fails with, or 'ok'. */
async function outcome(db: Db, sql: string): Promise<string> {
  try {
    await db.query('BEGIN');
    await db.query(sql);
    return 'ok';
  } catch (err) {
    return err instanceof DbError ? (err.sqlstate ?? err.kind) : String(err);
  } finally {
    await db.query('ROLLBACK').catch(() => {});
  }
}

describe('demo_reader (the public dashboard)', () => {
  it('reads stream tables and pg_trickle’s monitoring functions', async () => {
    await withDb(readerCfg, 'ecommerce_demo', async (db) => {
      expect(await outcome(db, 'SELECT * FROM top_10_customers')).toBe('ok');
      expect(await outcome(db, 'SELECT * FROM pgtrickle.pgt_status()')).toBe('ok');
      expect(await outcome(db, 'SELECT * FROM pgtrickle.refresh_efficiency()')).toBe('ok');
      // The advisor, through the narrowly granted wrapper (pg_trickle's own reads change buffers).
      expect(await outcome(db, 'SELECT * FROM demo_meta.refresh_mode_advice()')).toBe('ok');
      expect(await outcome(db, 'SELECT * FROM demo_meta.proofs')).toBe('ok');
    });
  });

  it('cannot write, run DDL, read base tables or run the scheduler', async () => {
    await withDb(readerCfg, 'ecommerce_demo', async (db) => {
      const [ro] = await db.query('SHOW default_transaction_read_only');
      expect(ro?.default_transaction_read_only).toBe('on');
      expect(
        await outcome(
          db,
          `INSERT INTO orders (customer_id, product_id, quantity, unit_price) VALUES (1, 1, 1, 1)`,
        ),
      ).toBe('25006');
      expect(await outcome(db, 'CREATE TABLE pwned (x int)')).toBe('25006');
      // Even with read-only switched off for the session, privileges say no.
      await db.query('SET default_transaction_read_only = off');
      expect(
        await outcome(
          db,
          `INSERT INTO orders (customer_id, product_id, quantity, unit_price) VALUES (1, 1, 1, 1)`,
        ),
      ).toBe('42501');
      // It reads them (the live proof compares each with its query), and only reads.
      expect(await outcome(db, 'SELECT count(*) FROM product_sales')).toBe('ok');
      expect(await outcome(db, 'UPDATE product_sales SET revenue = 0')).toBe('42501');
      expect(await outcome(db, 'CREATE TABLE public.pwned (x int)')).toBe('42501');
      expect(await outcome(db, 'SELECT * FROM orders')).toBe('42501');
      expect(await outcome(db, 'SELECT * FROM pgtrickle_compat.refresh_due()')).toBe('42501');
      expect(await outcome(db, `SELECT pgtrickle.drop_stream_table('top_10_customers')`)).not.toBe(
        'ok',
      );
    });
  });

  it('runs with a statement timeout and a connection limit', async () => {
    await withDb(readerCfg, 'ecommerce_demo', async (db) => {
      const [r] = await db.query(
        `SELECT rolconnlimit, rolconfig FROM pg_roles WHERE rolname = current_user`,
      );
      expect(Number(r?.rolconnlimit)).toBeGreaterThan(0);
      expect(r?.rolconfig).toEqual(expect.arrayContaining(['statement_timeout=5s']));
    });
  });
});

describe('demo_writer (the generator)', () => {
  it('writes events and runs the compatibility scheduler', async () => {
    await withDb(writerCfg, 'ecommerce_demo', async (db) => {
      await inTransaction(db, async () => {
        await db.query(
          `INSERT INTO orders (customer_id, product_id, quantity, unit_price) VALUES (1, 1, 1, 1)`,
        );
        await db.query(
          `UPDATE product_catalog SET current_price = current_price WHERE product_id = 1`,
        );
        await db.query('SELECT * FROM pgtrickle_compat.refresh_due()');
        await db.query('ROLLBACK');
        await db.query('BEGIN'); // inTransaction commits this empty one
      });
    });
  });

  it('cannot alter, write or drop stream tables, nor create new ones', async () => {
    await withDb(writerCfg, 'ecommerce_demo', async (db) => {
      // It reads them (the live proof compares each with its query), and only reads.
      expect(await outcome(db, 'SELECT count(*) FROM product_sales')).toBe('ok');
      expect(await outcome(db, 'UPDATE product_sales SET revenue = 0')).toBe('42501');
      expect(await outcome(db, 'DELETE FROM top_10_customers')).toBe('42501');
      expect(await outcome(db, 'ALTER TABLE product_sales ADD COLUMN x int')).toBe('42501');
      expect(await outcome(db, 'DROP TABLE product_sales')).toBe('42501');
      expect(await outcome(db, `SELECT pgtrickle.drop_stream_table('product_sales')`)).not.toBe(
        'ok',
      );
      expect(
        await outcome(
          db,
          `SELECT pgtrickle.create_stream_table(name => 'x', query => 'SELECT 1 AS one')`,
        ),
      ).not.toBe('ok');
      expect(await outcome(db, `UPDATE pgtrickle.pgt_stream_tables SET status = 'ACTIVE'`)).toBe(
        '42501',
      );
      // The advisor's wrapper runs with the bootstrap's rights: the reader's alone.
      expect(await outcome(db, 'SELECT * FROM demo_meta.refresh_mode_advice()')).toBe('42501');
    });
  });
});
