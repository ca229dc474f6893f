import { PacerError } from '../../domain/pacer-error.ts';

const MAX_TOPIC_LENGTH = 200;

/**
 * Throws `VALIDATION_FAILED` naming `topic` unless it is a non-empty string of at most 200 characters.
 *
 * @example
 * ```ts
 * validateTopic('agent.screen-pop');
 * ```
 */
export function validateTopic(topic: unknown): asserts topic is string {
  if (typeof topic !== 'string' || topic.length === 0 || topic.length > MAX_TOPIC_LENGTH) {
    throw new PacerError('VALIDATION_FAILED', 'invalid topic', {
      issues: [{ field: 'topic', reason: `must be a non-empty string of at most ${MAX_TOPIC_LENGTH} characters` }],
    });
  }
}
