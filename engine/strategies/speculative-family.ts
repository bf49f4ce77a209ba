/** The speculative-decoding strategies, registered together by the registry. */
import type { Strategy } from './strategy';
import { speculative } from './speculative';
import { promptLookupDecoding } from './prompt-lookup';
import { ngramTableDecoding } from './ngram-table';
import { earlyExitDecoding } from './early-exit';
import { heteroSpeculative } from './hetero-speculative';
import { medusaDecoding } from './medusa';
import { eagleDecoding } from './eagle';
import { eagle1Decoding } from './eagle-1';
import { specInfer } from './specinfer';
import { optTreeDecoding } from './opt-tree';

export const speculativeFamily: Strategy[] = [speculative, promptLookupDecoding, ngramTableDecoding, earlyExitDecoding, heteroSpeculative, medusaDecoding, eagleDecoding, eagle1Decoding, specInfer, optTreeDecoding];
