// (core) case folding for equals-ignore-case and its prefix/suffix forms of EventBridge patterns
/**
 * Case folding for `equals-ignore-case` and its prefix/suffix forms. event-ruler
 * accepts, per character, the lower- or upper-case form of the pattern's
 * character; lower-casing both sides is the JavaScript equivalent for the
 * strings events carry.
 */
export function foldCase(text: string): string {
  return text.toLowerCase();
}
