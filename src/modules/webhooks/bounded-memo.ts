/**
 * `compute` remembered by its argument: every delivery to an endpoint names
 * the same URL and signs with the same one or two secrets. Past `max`
 * distinct keys it starts over (endpoints are few; this only bounds memory).
 */
export function boundedMemo<T>(max: number, compute: (key: string) => T): (key: string) => T {
  const memo = new Map<string, T>();
  return (key) => {
    const known = memo.get(key);
    if (known !== undefined) return known;
    if (memo.size >= max) memo.clear();
    const value = compute(key);
    memo.set(key, value);
    return value;
  };
}
