"use client";

import { describeEvent, eventTone } from "@/components/events/event-sentence";
import { useEventStream } from "@/components/events/event-stream";
import { RelativeTime } from "@/components/events/relative-time";
import { useT } from "@/components/i18n/i18n-provider";
import { Card } from "@/components/ui/card";

const DOT = { good: "bg-emerald-500", warn: "bg-amber-500", neutral: "bg-slate-400" } as const;
const SHOWN = 50;

function StreamBadge() {
  const t = useT();
  const { status } = useEventStream();
  const live = status === "live";
  return (
    <span data-testid="stream-status" data-status={status} className={`inline-flex items-center gap-1.5 text-xs font-medium ${live ? "text-emerald-700" : "text-slate-500"}`}>
      <span aria-hidden="true" className={`h-2 w-2 rounded-full ${live ? "bg-emerald-500" : "bg-slate-300"}`} />
      {live ? t("dashboard.live") : status === "connecting" ? t("dashboard.connecting") : t("dashboard.offline")}
    </span>
  );
}

export function EventFeed() {
  const t = useT();
  const { events, loaded } = useEventStream();
  return (
    <Card id="events" title={t("dashboard.events")} actions={<StreamBadge />}>
      {!loaded ? (
        <p className="text-sm text-slate-500">{t("app.loading")}</p>
      ) : events.length === 0 ? (
        <p className="text-sm text-slate-500">{t("dashboard.noEvents")}</p>
      ) : (
        <ol aria-live="polite" data-testid="event-feed" className="-my-2 divide-y divide-slate-100">
          {events.slice(0, SHOWN).map((e) => (
            <li key={e.id} data-event-id={e.id} data-event-type={e.type} className="flex items-start gap-3 py-2.5 text-sm">
              <span aria-hidden="true" className={`mt-1.5 h-2 w-2 shrink-0 rounded-full ${DOT[eventTone(e)]}`} />
              <span className="min-w-0 flex-1 text-slate-800">{describeEvent(e, t)}</span>
              <span className="shrink-0 whitespace-nowrap text-xs text-slate-500">
                <RelativeTime time={e.time} />
              </span>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}
