// A destructive action asked twice: the first click shows what will happen and a confirm button (focused), the
// second does it; Cancel or Escape steps back. In the page, so it works with the keyboard and in every browser.
import { useEffect, useRef, useState } from 'react';

export function ConfirmButton({
  label,
  question,
  confirm,
  busy,
  onConfirm,
}: {
  /** The button's text, e.g. "Remove". */
  label: string;
  /** Said before the confirm button, e.g. "Remove gsk_…3f9a? Calls stop using it at once." */
  question: string;
  /** The confirm button's text, e.g. "Yes, remove". */
  confirm: string;
  busy?: boolean;
  onConfirm(): void;
}) {
  const [asking, setAsking] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
  }, [asking]);
  if (!asking)
    return (
      <button type="button" className="secondary" onClick={() => setAsking(true)} disabled={busy}>
        {label}
      </button>
    );
  return (
    <fieldset
      className="confirm"
      onKeyDown={(event) => {
        if (event.key === 'Escape') setAsking(false);
      }}
    >
      <legend>{question}</legend>
      <div className="row-actions">
        <button
          ref={confirmRef}
          type="button"
          className="danger"
          disabled={busy}
          onClick={() => {
            setAsking(false);
            onConfirm();
          }}
        >
          {confirm}
        </button>
        <button type="button" className="secondary" onClick={() => setAsking(false)}>
          Cancel
        </button>
      </div>
    </fieldset>
  );
}
