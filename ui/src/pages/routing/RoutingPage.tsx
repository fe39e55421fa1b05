// The Routing page: the default mode and the rules with where they come from (the admin changes them at run time),
// and the explain playground, open to every caller.
import { AdminOnly, ErrorNotice, Loading, PageHeader } from '../../components/common';
import { useRoutingSettings } from './api';
import { DefaultMode } from './DefaultMode';
import { ExplainPlayground } from './ExplainPlayground';
import { RulesEditor } from './RulesEditor';

function RoutingSettings() {
  const settings = useRoutingSettings();
  const mode = settings.data?.get('routing.defaultMode');
  const rules = settings.data?.get('routing.rules');
  return (
    <>
      <ErrorNotice error={settings.error} />
      {settings.isPending ? <Loading what="the routing settings" /> : null}
      {mode ? <DefaultMode value={mode} /> : null}
      {rules ? <RulesEditor value={rules} /> : null}
    </>
  );
}

export default function RoutingPage() {
  return (
    <>
      <PageHeader title="Routing" />
      <ExplainPlayground />
      <AdminOnly what="Changing the default mode and the rules">
        <RoutingSettings />
      </AdminOnly>
    </>
  );
}
