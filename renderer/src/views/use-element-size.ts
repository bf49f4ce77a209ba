import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * Size of an element through a callback ref, so it keeps measuring when the element is replaced
 * (views that swap an empty state for content mount a new element under the same ref).
 */
export function useElementSize<T extends HTMLElement>() {
  const [size, setSize] = useState({ width: 0, height: 0 });
  const observer = useRef<ResizeObserver | null>(null);
  const ref = useCallback((el: T | null) => {
    observer.current?.disconnect();
    observer.current = null;
    if (!el) return;
    const update = () => setSize((s) => (s.width === el.clientWidth && s.height === el.clientHeight ? s : { width: el.clientWidth, height: el.clientHeight }));
    observer.current = new ResizeObserver(update);
    observer.current.observe(el);
    update();
  }, []);
  useEffect(() => () => observer.current?.disconnect(), []);
  return [ref, size] as const;
}
