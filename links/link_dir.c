/*
 * link_dir.c - one link direction: chains the pure stages in the order
 * frame in -> queue + rate -> loss -> duplication -> delay/jitter -> out.
 * Loss comes after the transmitter, as on a real wire (and in ns-3, where
 * the error model sits at the receiver): a lost frame still used its
 * serialization time.
 *
 * Owns: counters and their conservation law (link.h). Must not: read
 * clocks or touch frames.
 */
#include "link_dir.h"

void link_dir_init(struct link_dir *d, const struct link_params *p,
		   uint64_t seed, uint32_t link, enum link_dir_id dir)
{
	*d = (struct link_dir){ .p = *p };
	link_rng_seed(&d->rng, seed, link, (uint32_t)dir);
	link_queue_init(&d->q);
}

void link_dir_free(struct link_dir *d)
{
	link_queue_free(&d->q);
}

static enum link_fate dir_drop(struct link_dir *d, struct link_verdict *v,
			       enum link_fate f)
{
	v->fate = f;
	if (f == LINK_FATE_DROP_DOWN)
		d->c.drop_down++;
	else if (f == LINK_FATE_DROP_QUEUE)
		d->c.drop_queue++;
	else
		d->c.drop_loss++;
	return f;
}

enum link_fate link_dir_input(struct link_dir *d, size_t len, uint64_t now_ns,
			      struct link_verdict *v)
{
	uint64_t tx_done;

	*v = (struct link_verdict){0};
	d->c.in++;
	d->c.bytes_in += len;
	if (!d->up)
		return dir_drop(d, v, LINK_FATE_DROP_DOWN);
	if (link_queue_admit(&d->q, &d->p, len, now_ns, &tx_done) != LINK_FATE_DELIVER)
		return dir_drop(d, v, LINK_FATE_DROP_QUEUE);
	if (link_loss_drop(&d->loss, &d->p, &d->rng))
		return dir_drop(d, v, LINK_FATE_DROP_LOSS);
	v->dup = d->p.duplicate > 0 && link_rng_chance(&d->rng, d->p.duplicate);
	v->deliver_ns = link_delay_deliver(&d->delay, &d->p, tx_done, &d->rng,
					   &v->reordered);
	v->fate = LINK_FATE_DELIVER;
	d->c.in_flight += 1 + v->dup;
	d->c.dup += v->dup;
	return v->fate;
}

void link_dir_set_params(struct link_dir *d, const struct link_params *p)
{
	d->p = *p;
}

void link_dir_set_up(struct link_dir *d, bool up, uint64_t now_ns)
{
	if (d->up && !up) {
		d->c.drop_down += d->c.in_flight;
		d->c.in_flight = 0;
		link_queue_reset(&d->q, now_ns);
		d->delay.last_deliver_ns = now_ns;
	}
	d->up = up;
}

void link_dir_refuse(struct link_dir *d, size_t len)
{
	d->c.in++;
	d->c.bytes_in += len;
	d->c.drop_queue++;
}

void link_dir_delivered(struct link_dir *d, size_t len)
{
	if (d->c.in_flight)
		d->c.in_flight--;
	d->c.delivered++;
	d->c.bytes_out += len;
}

void link_dir_tx_failed(struct link_dir *d)
{
	if (d->c.in_flight)
		d->c.in_flight--;
	d->c.drop_tx++;
}
