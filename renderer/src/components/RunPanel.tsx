/**
 * Run parameters (Hugging Face names) in a popover under the toolbar. Malformed values are refused at
 * the field: the input turns red and says what is allowed, and ▶ stays disabled until it is fixed.
 */
import { RecordInternalsField } from '../views/internals/RecordInternalsField';
import { useEffect, useRef, useState } from 'react';
import { FIELDS, formErrors, type FormValues } from '../store/run-form';
import { useApp } from '../store/store';
import { inspectModelFolder, modelChoice } from '../store/model-folder';
import { keyboard } from '../keyboard/keyboard-manager';

export function paramsSummary(values: FormValues): string {
  const sample = values.do_sample === 'true';
  const parts = [sample ? 'sample' : 'greedy', `${values.max_new_tokens || '?'} tok`];
  if (sample) {
    if (values.temperature) parts.push(`T ${values.temperature}`);
    if (values.top_k) parts.push(`k ${values.top_k}`);
    if (values.top_p) parts.push(`p ${values.top_p}`);
    if (values.min_p) parts.push(`min_p ${values.min_p}`);
  }
  if (values.num_beams && values.num_beams !== '1') parts.push(`beams ${values.num_beams}`);
  if (values.seed && sample) parts.push(`seed ${values.seed}`);
  return parts.join(' · ');
}

interface Props {
  values: FormValues;
  onChange(values: FormValues): void;
  model: string;
  onModel(model: string): void;
  onClose(): void;
}

export function RunPanel({ values, onChange, model, onModel, onClose }: Props) {
  const errors = formErrors(values);
  const models = useApp((s) => s.models);
  const methods = useApp((s) => s.methods);
  const [folder, setFolder] = useState('');
  const [checking, setChecking] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const sampling = values.do_sample === 'true';

  useEffect(() => keyboard.push({ id: 'run-panel', priority: 50, handlers: { Escape: () => onClose() }, inInputs: ['Escape'] }), [onClose]);
  useEffect(() => {
    const away = (e: MouseEvent) => {
      const t = e.target as HTMLElement;
      if (ref.current && !ref.current.contains(t) && !t.closest('[data-run-panel-toggle]')) onClose();
    };
    window.addEventListener('mousedown', away);
    return () => window.removeEventListener('mousedown', away);
  }, [onClose]);

  const inspectFolder = async () => {
    if (!folder.trim()) return;
    setChecking(true);
    const info = await inspectModelFolder(folder);
    setChecking(false);
    if (info) onModel(modelChoice(info));
  };

  return (
    <div className="popover" ref={ref} role="dialog" aria-label="run parameters" data-testid="run-panel">
      <h3>Generation parameters</h3>
      <div className="row">
        <div className="field">
          <label htmlFor="model-folder">model folder (Hugging Face layout with ONNX)</label>
          <div style={{ display: 'flex', gap: 6 }}>
            <input id="model-folder" className="input" style={{ flex: 1 }} placeholder="/path/to/model" value={folder} onChange={(e) => setFolder(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && inspectFolder()} />
            <button className="btn" disabled={!folder.trim() || checking} onClick={inspectFolder}>{checking ? 'checking…' : 'Load'}</button>
          </div>
        </div>
      </div>
      <div className="param-grid">
        {FIELDS.map((f) => {
          const id = `param-${f.name}`;
          const err = errors[f.name];
          const dim = f.sampling && !sampling;
          if (f.kind === 'bool')
            return (
              <div className="field" key={f.name} title={f.help}>
                <label htmlFor={id}>{f.label}</label>
                <select id={id} className="input" value={values[f.name]} onChange={(e) => onChange({ ...values, [f.name]: e.target.value })}>
                  <option value="false">false (greedy)</option>
                  <option value="true">true (sample)</option>
                </select>
              </div>
            );
          return (
            <div className="field" key={f.name} title={f.help} style={{ opacity: dim ? 0.5 : 1 }}>
              <label htmlFor={id}>{f.label}</label>
              <input
                id={id}
                name={f.name}
                className={`input mono ${err ? 'invalid' : ''}`}
                inputMode="decimal"
                placeholder={f.optional ? 'default' : ''}
                value={values[f.name] ?? ''}
                aria-invalid={!!err}
                onChange={(e) => onChange({ ...values, [f.name]: e.target.value })}
              />
              {err ? <span className="error" role="alert">{err}</span> : null}
            </div>
          );
        })}
      </div>
      <RecordInternalsField values={values} onChange={onChange} />
      <p className="hint">
        {sampling ? 'Sampling knobs apply in Hugging Face order: repetition penalty → temperature → top-k → top-p → min-p → typical.' : 'Greedy: the sampling knobs are ignored (and not recorded).'}
        {models.length ? ` Model: ${model || models[0]?.id}.` : ''}
        {methods.length ? '' : ' No engine connected: runs are unavailable, traces and demos still open.'}
      </p>
      <div className="actions">
        <button className="btn" onClick={onClose}>Done</button>
      </div>
    </div>
  );
}
