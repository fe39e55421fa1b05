// The admin's on/off switch of a provider or a model: where its value comes from, and a reset to the file's.
import { ErrorNotice } from '../../components/common';
import { formatTime } from '../../format';
import { type SwitchKind, type SwitchView, useSwitch } from './api';

const SOURCE: Record<SwitchView['source'], string> = {
  default: 'catalog default',
  file: 'config file',
  console: 'set in the console',
};

export function SwitchControl({ kind, label, view }: { kind: SwitchKind; label: string; view: SwitchView }) {
  const change = useSwitch();
  return (
    <div className="switch">
      <label>
        <input
          type="checkbox"
          checked={view.enabled}
          disabled={change.isPending}
          onChange={(event) => change.mutate({ kind, id: view.id, enabled: event.target.checked })}
        />{' '}
        <span className="visually-hidden">{label} </span>
        {view.enabled ? 'on' : 'off'}
      </label>
      <span
        className="hint switch-source"
        title={view.updatedAt === undefined ? undefined : formatTime(view.updatedAt)}
      >
        {SOURCE[view.source]}
      </span>
      {view.source === 'console' ? (
        <button
          type="button"
          className="link-button"
          disabled={change.isPending}
          onClick={() => change.mutate({ kind, id: view.id, enabled: undefined })}
          aria-label={`Reset ${label} to the file's setting (${view.base ? 'on' : 'off'})`}
        >
          reset to {view.base ? 'on' : 'off'}
        </button>
      ) : null}
      <ErrorNotice error={change.error} />
    </div>
  );
}
