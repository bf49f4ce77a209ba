/**
 * Startup wiring for the debugger: the Breakpoints tab, the live-run hook, and a read-only handle on
 * the debug store for the Playwright tests.
 */
// The method views register first, so the Breakpoints tab sits after them.
import '../views';
import { registerMainView } from '../components/main-views';
import { BreakpointsPanel } from './BreakpointsPanel';
import { attachDebugger } from './continue';
import { debugStore } from './debug-store';
import './debug.css';

registerMainView({ id: 'breakpoints', label: 'Breakpoints', available: () => true, priority: 0, component: BreakpointsPanel });
attachDebugger();
(globalThis as { __decodescopeDebug?: unknown }).__decodescopeDebug = { store: debugStore };
