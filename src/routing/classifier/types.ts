// What every request classifier is: the interface the router depends on, and the input it reads.
import type { ChatRequest } from '../../providers/types.js';
import type { Classification } from '../types.js';

/** Prompts longer than this (in estimated tokens) need a long-context model. */
export const LONG_CONTEXT_TOKENS = 32_000;

/** What a classifier reads of a chat request. */
export type ClassifyInput = Pick<ChatRequest, 'messages' | 'tools' | 'response_format'>;

/** Labels a request for the router; synchronous and cheap, since it runs before every routed call. */
export interface Classifier {
  classify(request: ClassifyInput): Classification;
}
