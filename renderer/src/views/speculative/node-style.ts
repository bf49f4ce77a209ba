/** The colour language for draft-tree statuses, with a second cue (icon, border style) for each. */
import type { NodeStatus } from './draft-tree-model';

export interface StatusStyle {
  label: string;
  icon: string;
  stroke: string;
  fill: string;
  dash?: string;
}

export const STATUS_STYLE: Record<NodeStatus, StatusStyle> = {
  root: { label: 'last committed token', icon: '●', stroke: 'var(--ink-3)', fill: 'var(--panel-2)' },
  pending: { label: 'pending (not verified yet)', icon: '○', stroke: 'var(--c-pending)', fill: 'var(--panel)', dash: '4 3' },
  accepted: { label: 'accepted', icon: '✓', stroke: 'var(--c-accepted)', fill: 'var(--c-accepted-bg)' },
  rejected: { label: 'rejected', icon: '✕', stroke: 'var(--c-rejected)', fill: 'var(--c-rejected-bg)', dash: '5 3' },
  skipped: { label: 'not examined (an ancestor was rejected)', icon: '–', stroke: 'var(--c-pending)', fill: 'var(--panel)', dash: '1.5 2.5' },
  resampled: { label: 'resampled by the target', icon: '↻', stroke: 'var(--c-resampled)', fill: 'var(--c-resampled-bg)' },
  bonus: { label: 'bonus (all drafts accepted)', icon: '★', stroke: 'var(--c-bonus)', fill: 'var(--c-bonus-bg)' },
  target: { label: "the target's own token", icon: '·', stroke: 'var(--c-target)', fill: 'var(--c-target-bg)' },
};

/** Legend order (root and target are self-explanatory). */
export const LEGEND_STATUSES: NodeStatus[] = ['pending', 'accepted', 'rejected', 'resampled', 'bonus', 'skipped'];
