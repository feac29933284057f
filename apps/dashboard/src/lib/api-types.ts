/**
 * Shapes of the `dualxda serve` JSON API. The contract is declared once, in @dualxda/core
 * (packages/core/src/api/dashboard-api.ts), which both the server and the dashboard import;
 * re-exported here so dashboard modules keep one local import path.
 */
export type {
  Attributed,
  CollapseReport,
  GlobalView,
  Influenced,
  MislabelCandidate,
  Summary,
  TestAgreement,
  TestDetail,
  TestListItem,
  TestListPage,
  TextDetail,
  TokenContext,
  TokenHeatmap,
  TrainDetail,
  TrainListItem,
  TrainListPage,
  IndexStatus,
  XdaAbsorbed,
  XdaPair,
  XdaResponse,
  XdaSideBudget,
} from '@dualxda/core';
