/** Small stroke icons for the transport controls (font glyphs like ⏮ are missing on many Linux systems). */
const P = { fill: 'currentColor' } as const;

export function Icon({ name }: { name: 'first' | 'prev' | 'play' | 'pause' | 'next' | 'last' | 'into' | 'out' | 'stop' }) {
  return (
    <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true">
      {name === 'first' ? (<><rect x="2" y="2" width="2" height="10" style={P} /><path d="M12 2 L5 7 L12 12 Z" style={P} /></>) : null}
      {name === 'prev' ? <path d="M11 2 L4 7 L11 12 Z" style={P} /> : null}
      {name === 'play' ? <path d="M4 2 L12 7 L4 12 Z" style={P} /> : null}
      {name === 'pause' ? (<><rect x="3" y="2" width="3" height="10" style={P} /><rect x="8" y="2" width="3" height="10" style={P} /></>) : null}
      {name === 'next' ? (<><path d="M2 2 L9 7 L2 12 Z" style={P} /><rect x="10" y="2" width="2" height="10" style={P} /></>) : null}
      {name === 'last' ? (<><path d="M2 2 L9 7 L2 12 Z" style={P} /><path d="M6 2 L13 7 L6 12 Z" style={P} /></>) : null}
      {name === 'into' ? (<><path d="M7 1 V8 M4 5.5 L7 8.5 L10 5.5" style={{ fill: 'none', stroke: 'currentColor', strokeWidth: 1.6 }} /><rect x="3" y="11" width="8" height="2" style={P} /></>) : null}
      {name === 'out' ? (<><path d="M7 12 V4 M4 6.5 L7 3.5 L10 6.5" style={{ fill: 'none', stroke: 'currentColor', strokeWidth: 1.6 }} /><rect x="3" y="0.5" width="8" height="2" style={P} /></>) : null}
      {name === 'stop' ? <rect x="3" y="3" width="8" height="8" rx="1" style={P} /> : null}
    </svg>
  );
}
