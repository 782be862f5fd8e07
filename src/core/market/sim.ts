/** The simulator's price dynamics. */
export type SimModel = 'gbm' | 'heston' | 'heston-jump';
export const SIM_MODELS: readonly SimModel[] = ['gbm', 'heston', 'heston-jump'];

/** The settings of a simulated market: recorded with a sim backtest so it can be rebuilt exactly. */
export interface SimRequest {
  model: SimModel;
  premium?: number;
  fair: boolean;
  seed: number;
}
