/**
 * Line breaks become \n and surrounding whitespace goes. Control characters
 * and bidi overrides never get this far: the request schema refuses them
 * (safeText in src/platform/text.ts).
 */
export function normalizeChatText(raw: string): string {
  return raw.replace(/\r\n?/g, '\n').trim();
}

export interface ModerationResult {
  text: string;
  flagged: boolean;
  matched: string[];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Masks blocked words (whole words, any case, any script — Arabic included)
 * with asterisks and flags the message for review. The list comes from
 * CHAT_BLOCKED_WORDS; an empty list lets everything through.
 */
export class ModerationFilter {
  private readonly pattern: RegExp | null;

  constructor(words: string[]) {
    const cleaned = [...new Set(words.map((w) => w.trim().toLowerCase()).filter(Boolean))].sort(
      (a, b) => b.length - a.length,
    );
    this.pattern =
      cleaned.length > 0
        ? new RegExp(`(?<![\\p{L}\\p{N}])(?:${cleaned.map(escapeRegExp).join('|')})(?![\\p{L}\\p{N}])`, 'giu')
        : null;
  }

  apply(text: string): ModerationResult {
    if (!this.pattern) return { text, flagged: false, matched: [] };
    const matched: string[] = [];
    const masked = text.replace(this.pattern, (word) => {
      matched.push(word.toLowerCase());
      return '*'.repeat([...word].length);
    });
    return { text: masked, flagged: matched.length > 0, matched: [...new Set(matched)] };
  }
}
