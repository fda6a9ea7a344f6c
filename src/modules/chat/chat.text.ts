/**
 * C0 controls except tab and newline, DEL, C1 controls, and the bidi
 * override/isolate marks that can disguise what a message says ("Trojan
 * Source", CVE-2021-42574). Stripped before storing, never rejected.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the whole point
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

export function sanitizeChatText(raw: string): string {
  return raw.replace(/\r\n?/g, '\n').replace(CONTROL_CHARS, '').trim();
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
    const cleaned = [...new Set(words.map((w) => w.trim().toLowerCase()).filter(Boolean))].sort((a, b) => b.length - a.length);
    this.pattern = cleaned.length > 0 ? new RegExp(`(?<![\\p{L}\\p{N}])(?:${cleaned.map(escapeRegExp).join('|')})(?![\\p{L}\\p{N}])`, 'giu') : null;
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
