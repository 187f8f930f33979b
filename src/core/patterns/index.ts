// (core) public API of EventBridge event patterns: validating, compiling, matching, and an index of many patterns
export { type CompiledEventPattern, compileEventPattern, matchesEventPattern } from './compile';
export { InvalidEventPatternError } from './invalid-event-pattern-error';
export type { EventPattern, JsonValue } from './pattern-ast';
export { EventPatternIndex, type EventPatternMatch } from './pattern-index';
export {
  checkEventPatternSize,
  MAX_EVENT_PATTERN_LENGTH,
  MAX_OR_COMBINATIONS,
  type ValidateEventPatternOptions,
  validateEventPattern,
} from './validate';
