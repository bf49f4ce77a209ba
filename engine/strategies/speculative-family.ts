/** The speculative-decoding strategies, registered together by the registry. */
import type { Strategy } from './strategy';
import { speculative } from './speculative';
import { promptLookupDecoding } from './prompt-lookup';
import { ngramTableDecoding } from './ngram-table';

export const speculativeFamily: Strategy[] = [speculative, promptLookupDecoding, ngramTableDecoding];
