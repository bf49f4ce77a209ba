/**
 * Whether this bundle is the single-file viewer (an exported replay) rather than the app. Decided at
 * build time (vite --mode viewer), so the app's run controls drop out of the viewer bundle entirely.
 */
import type { HtmlExportInfo } from '../../../engine/trace/export-html';

export const IS_VIEWER = import.meta.env.MODE === 'viewer';

let info: HtmlExportInfo | null = null;

/** Set once at viewer startup, before the first render. */
export function setViewerExportInfo(value: HtmlExportInfo | null): void {
  info = value;
}

export function viewerExportInfo(): HtmlExportInfo | null {
  return info;
}
