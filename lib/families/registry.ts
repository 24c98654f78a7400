import { cadvisorLabels } from './cadvisor-labels';
import { cadvisorDuplicates } from './cadvisor-duplicates';
import { cadvisorNetwork } from './cadvisor-network';
import { collector } from './collector';
import { deviceError } from './device-error';
import { inventoryLabels } from './inventory-labels';
import { rootSizedFilesystem } from './root-sized-filesystem';
import { scrape } from './scrape';
import type { AnyFamily } from './types';
import { volumeStats } from './volume-stats';

/**
 * Every gap family, in the order the fleet matrix shows them. The engine, the timeline, the matrix, the API
 * and the docs table all iterate this list: adding a family is its folder plus one line here (and its ids in
 * lib/contract/finding.ts, which a test keeps in step).
 */
export const FAMILIES: readonly AnyFamily[] = [volumeStats, cadvisorLabels, cadvisorNetwork, cadvisorDuplicates, rootSizedFilesystem, deviceError, collector, scrape];

/**
 * Checks that are cluster-wide by nature (kube-state-metrics' label allowlist): computed once, shown once for
 * the fleet and linked from each node page, never counted per node.
 */
export const CLUSTER_CHECKS = [inventoryLabels] as const;
