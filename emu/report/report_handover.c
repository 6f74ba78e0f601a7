/*
 * report_handover.c - handover metrics (issue 14): for every mobility event
 * of the timeline (link down/up, move, prefix change), per flow active
 * then, the interruption (largest arrival gap from the event to the next
 * mobility event, at most REPORT_HO_WINDOW_NS later) and the packets lost
 * in that window (tg_stats windows, doc/scenarios.md), and the signalling
 * that followed it in events.jsonl: the first PBU sent, PBA received and
 * binding cache change after the event. Pure: reads the built report.
 */
#include <string.h>

#include "report.h"

static bool is_mobility(enum topo_event_kind k)
{
	return k == TOPO_EV_LINK_DOWN || k == TOPO_EV_LINK_UP || k == TOPO_EV_MOVE ||
	       k == TOPO_EV_PREFIX;
}

static void describe(const struct topo_event *e, char *buf, size_t len)
{
	switch (e->kind) {
	case TOPO_EV_LINK_DOWN: report_fmt(buf, len, "link-down %s", e->link); break;
	case TOPO_EV_LINK_UP: report_fmt(buf, len, "link-up %s", e->link); break;
	case TOPO_EV_MOVE: report_fmt(buf, len, "move %s:%s -> %s", e->node, e->iface, e->link); break;
	default: report_fmt(buf, len, "prefix %s %s:%s", e->node, e->mn, e->iface); break;
	}
}

/* ms from at_s to the first event named ev (or starting with it when
 * prefix) in [at_s, until_s); -1 if none. */
static double first_after(const struct report *r, double at_s, double until_s,
			  const char *ev, bool prefix)
{
	for (size_t i = 0; i < r->n_events; i++) {
		const struct report_event *e = &r->events[i];
		if (e->t_s < at_s || e->t_s >= until_s)
			continue;
		if (prefix ? strncmp(e->ev, ev, strlen(ev)) == 0 : strcmp(e->ev, ev) == 0)
			return (e->t_s - at_s) * 1e3;
	}
	return -1;
}

static void flow_metrics(const struct report *r, struct report_handover *h,
			 uint64_t from, uint64_t to)
{
	for (size_t k = 0; k < r->n_flows && h->n_flows < REPORT_HO_FLOWS; k++) {
		const struct report_flow *f = &r->flows[k];
		uint64_t start, stop, gap, at;
		struct tg_window_loss wl;
		if (!f->has_send || !f->has_recv || !f->n_arr)
			continue;
		report_flow_span(r, f, &start, &stop);
		uint64_t a = from > start ? from : start, b = to < stop ? to : stop;
		if (b <= a || tg_stats_gap_window(f->arr, f->n_arr, a, b, &gap, &at) < 0 ||
		    tg_stats_loss_window(f->arr, f->n_arr, f->st.sent, a, b, &wl) < 0)
			continue;
		struct report_ho_flow *o = &h->flows[h->n_flows++];
		report_fmt(o->flow, sizeof o->flow, "%s", f->id);
		o->interruption_ms = (double)gap / 1e6;
		o->lost = wl.lost;
	}
}

size_t report_handovers(const struct report *r, struct report_handover *out, size_t max)
{
	const struct topology *t = r->topo;
	size_t n = 0;
	for (size_t i = 0; i < t->n_events && n < max; i++) {
		const struct topo_event *e = &t->events[i];
		if (!is_mobility(e->kind))
			continue;
		uint64_t until = e->at_ns + REPORT_HO_WINDOW_NS;
		for (size_t j = i + 1; j < t->n_events; j++)
			if (is_mobility(t->events[j].kind) && t->events[j].at_ns > e->at_ns) {
				until = t->events[j].at_ns < until ? t->events[j].at_ns : until;
				break;
			}
		struct report_handover *h = &out[n++];
		memset(h, 0, sizeof *h);
		h->at_s = (double)e->at_ns / 1e9;
		h->until_s = (double)until / 1e9;
		describe(e, h->what, sizeof h->what);
		h->pbu_ms = first_after(r, h->at_s, h->until_s, "pbu_sent", false);
		h->pba_ms = first_after(r, h->at_s, h->until_s, "pba_received", false);
		h->bce_ms = first_after(r, h->at_s, h->until_s, "bce_", true);
		flow_metrics(r, h, r->t0_ns + e->at_ns, r->t0_ns + until);
	}
	return n;
}
