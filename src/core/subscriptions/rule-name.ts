// (core) subscription rule names: deterministic from (channel, pattern), one name prefix per channel
import { createHash } from 'node:crypto';
import type { ChannelRef } from '../channels';
import { canonicalPatternJson } from './canonical-pattern-json';

/** EventBridge's rule-name rule. */
export const RULE_NAME = /^[.\-_A-Za-z0-9]{1,64}$/;

const PREFIX = 'pw';
const CHANNEL_KEY_LENGTH = 10;
const SUBSCRIPTION_ID_LENGTH = 10;

/**
 * Rule names are `pw-<channel key>-<subscription id>`: deterministic from (channel, pattern),
 * so subscribing twice names the same rule, and every rule of a channel shares a prefix that
 * `ListRules --name-prefix` finds without reading anyone else's rules. 24 characters, inside
 * EventBridge's `[.\-_A-Za-z0-9]{1,64}`.
 */
export function ruleNameFor(channel: ChannelRef, pattern: unknown): string {
  return `${channelRulePrefix(channel)}${subscriptionIdFor(channel, pattern)}`;
}

/**
 * What names a subscription's rule: its pattern, and for `--transitions` the pattern wrapped as
 * `{"transitions": pattern}`, so that `subscribe p --transitions` and `subscribe p FAILED SUCCEEDED
 * --level pipeline` (the same pattern) are two rules with two ids.
 */
export function ruleKeyOf(pattern: Record<string, unknown>, transitions: boolean): unknown {
  return transitions ? { transitions: pattern } : pattern;
}

export function channelRulePrefix(channel: ChannelRef): string {
  return `${PREFIX}-${hash(`${channel.platform}\u0000${channel.workspace}\u0000${channel.channel}`, CHANNEL_KEY_LENGTH)}-`;
}

/** The short id a person types in `unsubscribe <id>`. */
export function subscriptionIdFor(channel: ChannelRef, pattern: unknown): string {
  return hash(
    `${channel.platform}\u0000${channel.workspace}\u0000${channel.channel}\u0000${canonicalPatternJson(pattern)}`,
    SUBSCRIPTION_ID_LENGTH,
  );
}

/** The subscription id of a rule name of this channel, or undefined for anyone else's rule. */
export function subscriptionIdOfRule(channel: ChannelRef, ruleName: string): string | undefined {
  const prefix = channelRulePrefix(channel);
  if (!ruleName.startsWith(prefix)) return undefined;
  const id = ruleName.slice(prefix.length);
  return /^[0-9a-z]+$/.test(id) ? id : undefined;
}

function hash(text: string, length: number): string {
  // Base-36 of a SHA-256 prefix: lower-case letters and digits, easy to read aloud and to type.
  const digest = createHash('sha256').update(text).digest();
  return BigInt(`0x${digest.subarray(0, 16).toString('hex')}`)
    .toString(36)
    .padStart(length, '0')
    .slice(0, length);
}
