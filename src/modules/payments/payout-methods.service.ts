import { electronicFormatIBAN, validateIBAN } from 'ibantools';
import type { DbHandle } from '../../platform/db/database.js';
import { AppError, ErrorCode, conflict } from '../../platform/errors.js';
import { normalizePhone } from '../users/index.js';
import type { PayoutMethodRow } from './payments.tables.js';
import type { PayoutMethodInput } from './payouts.schema.js';
import { findPayoutMethod, upsertPayoutMethod, type PayoutMethodValues } from './payouts.repo.js';

/** Characters of an IBAN or phone left readable at each end when masked. */
const IBAN_SHOWN_HEAD = 4;
const SHOWN_TAIL = 4;
const PHONE_SHOWN_HEAD = 5;

function maskMiddle(value: string, head: number, tail = SHOWN_TAIL): string {
  if (value.length <= head + tail) return '*'.repeat(value.length);
  return value.slice(0, head) + '*'.repeat(value.length - head - tail) + value.slice(-tail);
}

export const maskIban = (iban: string) => maskMiddle(iban, IBAN_SHOWN_HEAD);
export const maskPhone = (phone: string) => maskMiddle(phone, PHONE_SHOWN_HEAD);

export interface PayoutMethodView {
  type: 'bank' | 'mobile_wallet';
  iban: string | null;
  holderName: string | null;
  phone: string | null;
  updatedAt: string;
}

export function toPayoutMethodView(row: PayoutMethodRow): PayoutMethodView {
  return {
    type: row.type,
    iban: row.iban ? maskIban(row.iban) : null,
    holderName: row.holder_name,
    phone: row.phone ? maskPhone(row.phone) : null,
    updatedAt: row.updated_at.toISOString(),
  };
}

function invalid(field: string, message: string): AppError {
  return new AppError(ErrorCode.VALIDATION_ERROR, `Invalid payout method: ${message}`, [
    { field: `body.${field}`, message },
  ]);
}

const EGYPT_COUNTRY_PREFIX = '+20';

/** The stored form: IBAN in electronic format (checksum verified by ibantools), phone in E.164. */
export function normalizePayoutMethod(userId: string, input: PayoutMethodInput): PayoutMethodValues {
  if (input.type === 'mobile_wallet') {
    const phone = normalizePhone(input.phone);
    // Payouts go to Egyptian mobile wallets (Vodafone Cash, InstaPay…): only an Egyptian number can hold one.
    if (!phone?.startsWith(EGYPT_COUNTRY_PREFIX)) throw invalid('phone', 'not an Egyptian mobile number');
    return { user_id: userId, type: 'mobile_wallet', phone, iban: null, holder_name: null };
  }
  const iban = electronicFormatIBAN(input.iban);
  const check = iban ? validateIBAN(iban) : undefined;
  if (!iban || !check?.valid) throw invalid('iban', 'not a valid IBAN (country, length or check digits)');
  return { user_id: userId, type: 'bank', iban, holder_name: input.holderName, phone: null };
}

export async function setPayoutMethod(db: DbHandle, userId: string, input: PayoutMethodInput) {
  return toPayoutMethodView(await upsertPayoutMethod(db, normalizePayoutMethod(userId, input)));
}

export async function payoutMethodOf(db: DbHandle, userId: string): Promise<PayoutMethodView | null> {
  const row = await findPayoutMethod(db, userId);
  return row ? toPayoutMethodView(row) : null;
}

/** 409 with `details.reason = payout_method_required` when the driver has nowhere to receive money. */
export async function requirePayoutMethod(db: DbHandle, userId: string): Promise<PayoutMethodRow> {
  const row = await findPayoutMethod(db, userId);
  if (!row)
    throw conflict('Set a payout method (PUT /api/v1/wallet/payout-method) before withdrawing', {
      reason: 'payout_method_required',
    });
  return row;
}
