import type Database from 'better-sqlite3';

/** One numbered schema step: SQL, or a function for steps SQL alone cannot express. */
export interface Migration {
  version: number;
  name: string;
  up: string | ((db: Database.Database) => void);
}
