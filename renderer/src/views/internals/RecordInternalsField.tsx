/** Run panel checkbox: record the logit lens and attention maps (inline records) for the next live run. */
export function RecordInternalsField({ values, onChange }: { values: Record<string, string>; onChange: (v: Record<string, string>) => void }) {
  return (
    <label className="field" style={{ flexDirection: 'row', alignItems: 'center', gap: 6 }} title="Adds layer_topk and attention records (needs the instrumented ONNX graph; slower, larger traces).">
      <input type="checkbox" data-testid="record-internals" checked={values.record_internals === 'true'} onChange={(e) => onChange({ ...values, record_internals: e.target.checked ? 'true' : 'false' })} />
      record internals (logit lens + attention maps)
    </label>
  );
}

/** The RunRequest.record part for the form values. */
export function recordFromForm(values: Record<string, string>): { record?: { logitLens: true; attentions: true } } {
  return values.record_internals === 'true' ? { record: { logitLens: true, attentions: true } } : {};
}
