// Where a setting's running value comes from, as a label.
import { Badge } from '../../components/common';
import type { SettingValue } from './api';

const WORDS: Record<SettingValue['source'], string> = {
  default: 'default',
  file: 'config file',
  env: 'environment',
  flag: 'command-line flag',
  console: 'console',
};

export function SourceBadge({ value }: { value: SettingValue }) {
  return (
    <span className="source-badge" data-testid={`source-${value.path}`}>
      from <Badge tone={value.source === 'console' ? 'warn' : 'neutral'}>{WORDS[value.source]}</Badge>
    </span>
  );
}
