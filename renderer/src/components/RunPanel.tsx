/**
 * Run parameters (Hugging Face names) in a popover under the toolbar. Malformed values are refused at
 * the field: the input turns red and says what is allowed, and ▶ stays disabled until it is fixed.
 */
import { RecordInternalsField } from '../views/internals/RecordInternalsField';
import { useEffect, useRef, useState } from 'react';
import { FIELDS, formErrors, methodFields, methodKey, usesBeams, type FieldSpec, type FormValues } from '../store/run-form';
import type { MethodDescription } from '../../../engine/protocol/messages';
import { useApp } from '../store/store';
import { inspectModelFolder, modelChoice } from '../store/model-folder';
import { keyboard } from '../keyboard/keyboard-manager';

export function paramsSummary(values: FormValues, method?: MethodDescription): string {
  const sample = values.do_sample === 'true';
  const parts = [sample ? 'sample' : 'greedy', `${values.max_new_tokens || '?'} tok`];
  if (sample) {
    if (values.temperature) parts.push(`T ${values.temperature}`);
    if (values.top_k) parts.push(`k ${values.top_k}`);
    if (values.top_p) parts.push(`p ${values.top_p}`);
    if (values.min_p) parts.push(`min_p ${values.min_p}`);
  }
  if (values.num_beams && values.num_beams !== '1' && (!method || usesBeams(method))) parts.push(`beams ${values.num_beams}`);
  if (values.seed && sample) parts.push(`seed ${values.seed}`);
  for (const f of methodFields(method)) {
    const v = values[methodKey(f.name)]?.trim();
    if (v) parts.push(`${f.name} ${v}`);
  }
  return parts.join(' · ');
}

interface Props {
  values: FormValues;
  /** The selected method (from the engine's list); its own knobs get a section of their own. */
  method?: MethodDescription;
  onChange(values: FormValues): void;
  model: string;
  onModel(model: string): void;
  onClose(): void;
}

/** One numeric input with its inline error; `formKey` is where the text lives in the form values. */
function NumberField({ spec, formKey, values, errors, onChange, dim }: { spec: FieldSpec; formKey: string; values: FormValues; errors: Record<string, string>; onChange(v: FormValues): void; dim: boolean }) {
  const id = `param-${formKey.replace('.', '-')}`;
  const err = errors[formKey];
  return (
    <div className="field" title={spec.help} style={{ opacity: dim ? 0.5 : 1 }}>
      <label htmlFor={id}>{spec.label}</label>
      <input
        id={id}
        name={formKey}
        className={`input mono ${err ? 'invalid' : ''}`}
        inputMode="decimal"
        placeholder={spec.optional ? 'default' : ''}
        value={values[formKey] ?? ''}
        aria-invalid={!!err}
        onChange={(e) => onChange({ ...values, [formKey]: e.target.value })}
      />
      {err ? <span className="error" role="alert">{err}</span> : null}
    </div>
  );
}

export function RunPanel({ values, onChange, model, onModel, onClose, method }: Props) {
  const errors = formErrors(values, method);
  const knobs = methodFields(method);
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
          if (f.kind === 'bool')
            return (
              <div className="field" key={f.name} title={f.help}>
                <label htmlFor={`param-${f.name}`}>{f.label}</label>
                <select id={`param-${f.name}`} className="input" value={values[f.name]} onChange={(e) => onChange({ ...values, [f.name]: e.target.value })}>
                  <option value="false">false (greedy)</option>
                  <option value="true">true (sample)</option>
                </select>
              </div>
            );
          // Dimmed knobs are left out of the request: sampling ones in greedy runs, num_beams for one-sequence methods.
          const dim = (f.sampling && !sampling) || (f.name === 'num_beams' && method !== undefined && !usesBeams(method));
          return <NumberField key={f.name} spec={f} formKey={f.name} values={values} errors={errors} onChange={onChange} dim={dim} />;
        })}
      </div>
      {knobs.length ? (
        <section className="method-params" aria-label="method parameters" data-testid="method-params">
          <h4>
            {method!.name} <span className="hint">— the method's own knobs; empty = its default</span>
          </h4>
          <div className="param-grid">
            {knobs.map((f) => (
              <NumberField key={f.name} spec={f} formKey={methodKey(f.name)} values={values} errors={errors} onChange={onChange} dim={false} />
            ))}
          </div>
        </section>
      ) : null}
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
