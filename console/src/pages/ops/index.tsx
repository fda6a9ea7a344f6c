import type { JSX } from 'preact';
import type { Strings } from '../../i18n/en.js';
import { FlagsPage } from '../flags.js';
import { ApiKeysPage } from './api-keys.js';
import { DeadLettersPage } from './dead-letters.js';
import { PayoutsPage } from './payouts.js';
import { RefundsPage } from './refunds.js';
import { ReportsPage } from './reports.js';
import { SurgePage } from './surge.js';
import { TariffsPage } from './tariffs.js';

export interface OpsPage {
  hash: string;
  label: keyof Strings;
  /**
   * Staff roles that may open it besides admin (the API's STAFF_ACCESS groups: money = finance, refunds =
   * finance + support; [] = admin only). The API enforces the same; the router only spares a page of 403s.
   */
  roles: readonly string[];
  render: (config: { tileUrl: string; attribution: string }) => JSX.Element;
}

/** Issue 19.7: the finance and operations pages, in nav order. */
export const OPS_PAGES: readonly OpsPage[] = [
  { hash: '#/payouts', label: 'navPayouts', roles: ['finance'], render: () => <PayoutsPage /> },
  { hash: '#/refunds', label: 'navRefunds', roles: ['finance', 'support'], render: () => <RefundsPage /> },
  { hash: '#/reports', label: 'navReports', roles: ['finance'], render: () => <ReportsPage /> },
  { hash: '#/dead-letters', label: 'deadLetters', roles: [], render: () => <DeadLettersPage /> },
  { hash: '#/flags', label: 'navFlags', roles: [], render: () => <FlagsPage /> },
  { hash: '#/api-keys', label: 'apiKeys', roles: [], render: () => <ApiKeysPage /> },
  { hash: '#/tariffs', label: 'tariffs', roles: [], render: () => <TariffsPage /> },
  { hash: '#/surge', label: 'surgeMap', roles: [], render: (c) => <SurgePage {...c} /> },
];
