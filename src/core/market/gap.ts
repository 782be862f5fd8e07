/** The official close of one NYSE session with BTC at the bell: what the opening gap is measured from. */
export interface GapSnapshot {
  sessionDate: string;
  closeMs: number;
  ibitClose: number;
  bitoClose: number | null;
  btcAtClose: number;
  btcSource: string;
  etfSource: string;
  recordedMs: number;
}

/** BTC's move since the last ETF close and the IBIT opening gap it implies. */
export type GapView =
  | {
      status: 'ok';
      atMs: number;
      sessionDate: string;
      closeMs: number;
      btcAtClose: number;
      btcNow: number;
      btcMoveFrac: number;
      ibitClose: number;
      impliedIbitOpen: number;
      marketPhase: string;
      nextOpenMs: number;
      from: 'snapshot' | 'source';
    }
  | { status: 'missing'; atMs: number; sessionDate: string; reason: string };

/** The recorded closes, one per session. */
export interface GapSnapshots {
  get(sessionDate: string): GapSnapshot | null;
  /** Records a close unless the session has one already (the first one stays). */
  insert(snapshot: GapSnapshot): void;
}
