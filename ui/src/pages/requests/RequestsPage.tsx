// The request log: every request of the chat and agent routes, newest first, filtered from the URL, paged with the
// log's cursor ("Load more"), optionally refreshing itself; a row opens its run.
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { EmptyState, ErrorNotice, Loading, PageHeader } from '../../components/common';
import { FirstRequest } from '../../components/FirstRequest';
import { useSearchParam } from '../../components/use-search-param';
import { RequestFilters } from './RequestFilters';
import { RequestTable } from './RequestTable';
import { filtersOf, type RequestPage, requestsPath } from './request-query';

const LIVE_REFRESH_MS = 5_000;

export default function RequestsPage() {
  const [params, change, clearFilters] = useSearchParam();
  const filters = filtersOf(params);
  const live = params.get('live') === '1';
  const log = useInfiniteQuery({
    queryKey: ['requests', filters],
    queryFn: ({ pageParam }) => api<RequestPage>(requestsPath(filters, pageParam, Date.now())),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.has_more ? (last.next_before ?? undefined) : undefined),
    refetchInterval: live ? LIVE_REFRESH_MS : false,
    placeholderData: keepPreviousData,
  });
  const rows = log.data?.pages.flatMap((page) => page.data) ?? [];
  const filtered = Object.keys(filters).length > 0;
  return (
    <>
      <PageHeader title="Requests" />
      <RequestFilters filters={filters} live={live} onChange={change} />
      <ErrorNotice error={log.error} />
      {log.isPending ? (
        <Loading what="the request log" />
      ) : rows.length === 0 && !log.hasNextPage ? (
        filtered ? (
          <EmptyState title="No request matches these filters">
            <p>Widen the time or set a filter back to Any.</p>
            <button type="button" className="secondary" onClick={clearFilters}>
              Clear filters
            </button>
          </EmptyState>
        ) : (
          <EmptyState title="No requests yet">
            <FirstRequest />
          </EmptyState>
        )
      ) : (
        <>
          <RequestTable rows={rows} now={log.dataUpdatedAt} />
          <div className="load-more">
            {log.hasNextPage ? (
              <button
                type="button"
                className="secondary"
                disabled={log.isFetchingNextPage}
                onClick={() => void log.fetchNextPage()}
              >
                {log.isFetchingNextPage ? 'Loading…' : 'Load more'}
              </button>
            ) : (
              <span className="hint">That is every request the log keeps{filtered ? ' that matches' : ''}.</span>
            )}
            <span className="hint">
              {rows.length} shown{live ? ', refreshing every 5 s' : ''}
            </span>
          </div>
        </>
      )}
    </>
  );
}
