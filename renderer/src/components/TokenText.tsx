/** A token's text, faithfully: whitespace as visible markers, byte pieces as hex, never U+FFFD. */
import { memo } from 'react';
import type { TokenEntry } from '../../../engine/trace/schema';
import { tokenPieces } from '../format/format';

export const TokenText = memo(function TokenText({ entry }: { entry: TokenEntry }) {
  const pieces = tokenPieces(entry.text, entry.bytes);
  if (pieces.length === 0) return <span className="ws">∅</span>;
  return (
    <>
      {pieces.map((p, i) =>
        p.kind === 'text' ? (
          <span key={i}>{p.text}</span>
        ) : p.kind === 'byte' ? (
          <span key={i} className="byte" title={`byte 0x${p.text}`}>
            {p.text}
          </span>
        ) : (
          <span key={i} className="ws" title={p.kind}>
            {p.text}
          </span>
        ),
      )}
    </>
  );
});

/** Non-colour cue for each source (colour is never the only one). */
export const SOURCE_BADGE: Record<string, string> = {
  target: '',
  accepted: '✓',
  resampled: '↻',
  bonus: '★',
  forced: '⚑',
  prompt: '',
};

export const SOURCE_LABEL: Record<string, string> = {
  target: 'target',
  accepted: 'accepted draft',
  resampled: 'resampled',
  bonus: 'bonus',
  forced: 'forced',
  prompt: 'prompt',
};
