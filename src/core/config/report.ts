/** One setting as `config show` prints it: its effective value (secrets masked) and where it came from. */
export interface SettingRow {
  setting: string;
  value: unknown;
  /** default, file:<path>, env:<VAR> or flag:--<name>. */
  origin: string;
  env: string | null;
  description: string;
}

/** The effective configuration of one invocation: the file consulted, the database and every setting. */
export interface ConfigReport {
  file: string;
  fileExists: boolean;
  db: string;
  settings: SettingRow[];
}
