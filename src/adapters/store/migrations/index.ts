import { m001Initial } from './001-initial.js';
import { m002Farm } from './002-farm.js';
import { m003Gap } from './003-gap.js';
import { m004Leaderboard } from './004-leaderboard.js';
import { m005Promotions } from './005-promotions.js';
import { m006Outbox } from './006-outbox.js';
import { m007Monitor } from './007-monitor.js';
import { m008LeaderboardTotal } from './008-leaderboard-total.js';
import { m009NoStop } from './009-no-stop.js';
import { m010LiveSteps } from './010-live-steps.js';
import { m011StepExits } from './011-step-exits.js';
import { m012RunHolder } from './012-run-holder.js';
import { m013Views } from './013-views.js';
import { m014LeanRanks } from './014-lean-ranks.js';
import { m015Review } from './015-review.js';
import { m016Shard } from './016-shard.js';
import { m017LeanTotal } from './017-lean-total.js';
import { m018LiveDays } from './018-live-days.js';

import type { Migration } from './migration.js';

/** Numbered, append-only. Never edit a shipped migration; add the next number. */
export const MIGRATIONS: readonly Migration[] = [
  m001Initial,
  m002Farm,
  m003Gap,
  m004Leaderboard,
  m005Promotions,
  m006Outbox,
  m007Monitor,
  m008LeaderboardTotal,
  m009NoStop,
  m010LiveSteps,
  m011StepExits,
  m012RunHolder,
  m013Views,
  m014LeanRanks,
  m015Review,
  m016Shard,
  m017LeanTotal,
  m018LiveDays,
];
