import type { VehicleClass } from '../../shared/index.js';
import type { FareItem } from './fare-items.js';
import type { LabelledItem } from './fare-labels.js';

export interface Quote {
  vehicleClass: VehicleClass;
  amount: number;
  items: LabelledItem[];
  tariffVersion: number | null;
  currency: 'EGP';
  surge: number;
  distanceM: number;
  durationS: number;
  quoteId: string;
  expiresAt: string;
}

export interface PricedTrip {
  amount: number;
  surge: number;
  /** The class's commission in the tariff this price was made with; settlement charges it. */
  commissionBps: number;
  /** The tariff version priced with: the trip keeps it for re-pricing and settlement. */
  tariffVersion: number | null;
  timeMultiplier: number;
  /** Lines summing to `amount`. */
  items: FareItem[];
  quoteId: string | null;
  distanceM: number;
  durationS: number;
}

export type QuoteRejection =
  | 'invalid'
  | 'expired'
  | 'other_user'
  | 'vehicle_class'
  | 'pickup_moved'
  | 'dropoff_moved'
  | 'stops_changed'
  | 'surge_rose'
  | 'already_used';
