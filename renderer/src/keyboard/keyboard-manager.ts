/**
 * Keyboard manager with priority layers (llm-viz's KeyboardManager idea): each panel or dialog
 * registers a layer; a key goes to the highest-priority layer that handles it. A modal layer (a
 * dialog) swallows every key it does not handle, so the timeline never steps behind an open sheet.
 */

export type KeyHandler = (ev: KeyboardEvent) => void;

export interface KeyLayer {
  id: string;
  priority: number;
  modal?: boolean;
  /** Keys as normalised by keyName(): "F10", "Shift+F11", "Space", "ArrowLeft", "?", "Ctrl+O". */
  handlers: Record<string, KeyHandler>;
  /** Handled even while typing in a text field (e.g. Escape). */
  inInputs?: string[];
}

export function keyName(ev: Pick<KeyboardEvent, 'key' | 'shiftKey' | 'ctrlKey' | 'metaKey' | 'altKey'>): string {
  let key = ev.key === ' ' ? 'Space' : ev.key;
  if (key.length === 1 && key !== '?') key = key.toUpperCase() === key.toLowerCase() ? key : key.toLowerCase();
  const mods: string[] = [];
  if (ev.ctrlKey || ev.metaKey) mods.push('Ctrl');
  if (ev.altKey) mods.push('Alt');
  // Shift is part of printable characters like "?" already.
  if (ev.shiftKey && (key.length > 1 || /[a-z]/.test(key))) mods.push('Shift');
  return [...mods, key].join('+');
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  if (el.isContentEditable) return true;
  if (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') return true;
  if (el.tagName === 'INPUT') {
    const type = (el as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'range', 'file'].includes(type);
  }
  return false;
}

export class KeyboardManager {
  private layers: KeyLayer[] = [];

  push(layer: KeyLayer): () => void {
    this.layers = [...this.layers.filter((l) => l.id !== layer.id), layer].sort((a, b) => b.priority - a.priority);
    return () => {
      this.layers = this.layers.filter((l) => l !== layer);
    };
  }

  /** Returns true when some layer took the key. */
  dispatch(ev: KeyboardEvent): boolean {
    const name = keyName(ev);
    // Function keys never edit text, so the debugger keys work even from a focused field.
    const typing = isTyping(ev.target) && !/^(Shift\+)?F\d+$/.test(name);
    for (const layer of this.layers) {
      const h = layer.handlers[name];
      if (h && (!typing || layer.inInputs?.includes(name))) {
        ev.preventDefault();
        h(ev);
        return true;
      }
      if (layer.modal) return false;
    }
    return false;
  }

  attach(target: Window | HTMLElement): () => void {
    const listener = (ev: Event) => this.dispatch(ev as KeyboardEvent);
    target.addEventListener('keydown', listener);
    return () => target.removeEventListener('keydown', listener);
  }
}

export const keyboard = new KeyboardManager();
