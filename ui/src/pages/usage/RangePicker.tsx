// The usage page's range: a group of radio buttons (an hour to 90 days), the chosen one kept in the URL by the page.
import { RANGES, type UsageRange } from './range';

export function RangePicker({ value, onChange }: { value: UsageRange; onChange(range: UsageRange): void }) {
  return (
    <fieldset className="segmented">
      <legend>Range</legend>
      {RANGES.map((range) => (
        <label key={range.id} className={range.id === value.id ? 'selected' : undefined}>
          <input
            type="radio"
            name="usage-range"
            value={range.id}
            checked={range.id === value.id}
            onChange={() => onChange(range)}
          />
          {range.label}
        </label>
      ))}
    </fieldset>
  );
}
