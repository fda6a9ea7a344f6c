import { LRUCache } from 'lru-cache';
import type { DbHandle } from '../../platform/db/database.js';
import { findDriverCards, type DriverCard } from './drivers.repo.js';

/**
 * Rider apps poll their trip every few seconds and every view shows the same
 * driver card (name, vehicle, rating), which changes rarely: a new vehicle or
 * an erased account. So each node keeps cards briefly. A change made through
 * this node is forgotten at once; another node shows it within CARD_TTL_MS.
 */
const CARD_TTL_MS = 10_000;
const cards = new LRUCache<string, DriverCard>({ max: 50_000, ttl: CARD_TTL_MS });

/** The cards of these drivers (any order; unknown ids are left out), reading only the ones not kept. */
export async function driverCards(db: DbHandle, userIds: string[]): Promise<DriverCard[]> {
  const kept: DriverCard[] = [];
  const missing: string[] = [];
  for (const id of new Set(userIds)) {
    const card = cards.get(id);
    if (card) kept.push(card);
    else missing.push(id);
  }
  if (missing.length === 0) return kept;
  const read = await findDriverCards(db, missing);
  for (const card of read) cards.set(card.id, card);
  return [...kept, ...read];
}

export function forgetDriverCard(userId: string) {
  cards.delete(userId);
}
