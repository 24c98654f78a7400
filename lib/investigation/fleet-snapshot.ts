import 'server-only';
import { env } from '@/lib/env';
import { investigateFleet, type FleetInvestigation } from './node-findings';
import { appOptions, prometheus } from './prometheus';
import { sharedFor } from './shared-for';

/**
 * The fleet's findings, computed at most once per GAPSCOPE_FLEET_CACHE_TTL and shared by every request:
 * the fleet queries select whole kube-state-metrics families (one series per pod or claim), and nothing new
 * can be learned before the next scrape.
 */
const shared = sharedFor<FleetInvestigation>();

export function fleetSnapshot(now = Date.now()): Promise<FleetInvestigation> {
  return shared(env().GAPSCOPE_FLEET_CACHE_TTL, now, () => investigateFleet(prometheus(), { now, ...appOptions() }));
}
