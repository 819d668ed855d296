//! The step kernel: one run through the horizon, step by step. Each computed stage receives its arrivals,
//! produces `min(target, min_g buffer_g / qty_g)`, allocates output and stock pro rata to the orders it holds,
//! ships, and reports shortfalls of end demand; stages that follow the plan or coast are skipped exactly (see the
//! module docs of [`super`]). The run then puts its scratch back in the steady state.
//!
//! # Complexity
//! Per step, O(arcs) over the stages that differ from plan, can still matter and do not coast, plus
//! O(stages / 64) for the scan; the reset is O(state the run touched).

use super::*;

impl Simulator<'_> {
    /// Runs one disruption (a set of events) through the horizon, reporting shortfalls to `sink`, and leaves
    /// `scratch` back in the steady state.
    pub fn run(&self, events: &[RunEvent], scratch: &mut Scratch, sink: &mut dyn Sink) {
        let h = self.horizon;
        let sc = scratch;
        sc.bounds.clear();
        for e in events {
            if e.first < h && e.end > e.first {
                sc.bounds.push(e.first);
                if e.end < h {
                    sc.bounds.push(e.end);
                }
            }
        }
        if !self.skip {
            sc.bounds.push(0);
        }
        sc.bounds.sort_unstable();
        sc.bounds.dedup();
        // Stocks are exact only when every stage is computed: the fast path lets a stage that ships its plan
        // whatever its stock rest, and does not follow that stock.
        let stock = sink.wants_stock() && !self.skip;
        if sc.bounds.is_empty() {
            if stock {
                self.report_stock(0..h, sc, sink);
            }
            return;
        }
        let bounds = std::mem::take(&mut sc.bounds);
        if stock {
            // Before the first event every stage follows the plan.
            self.report_stock(0..bounds[0], sc, sink);
        }
        let mut bi = 0;
        let mut next = bounds[0];
        for t in bounds[0]..h {
            if bi < bounds.len() && bounds[bi] == t {
                self.epoch(t, events, sc);
                bi += 1;
            }
            if bi == bounds.len() && sc.awake_count == 0 && sc.pending_count == 0 {
                break;
            }
            self.step(t, sc, sink);
            sink.step_done(t);
            if stock {
                self.report_stock(t..t + 1, sc, sink);
            }
            next = t + 1;
        }
        if stock {
            // Nothing changes any more but the coasting stages' steady drift.
            self.report_stock(next..h, sc, sink);
        }
        sc.bounds = bounds;
        self.reset(sc);
    }

    /// Reports each platform's stock at the end of every step in `steps`: as last computed, plus the steady
    /// change of the steps a coasting stage rested through (as [`Self::flow`] catches it up).
    fn report_stock(&self, steps: std::ops::Range<usize>, sc: &Scratch, sink: &mut dyn Sink) {
        for t in steps {
            for (r, d) in self.model.demands().iter().enumerate() {
                let x = &sc.st[d.stage.index()];
                let units = if x.last_step == u32::MAX || x.last_step as usize >= t || !x.coasting {
                    x.inv
                } else {
                    (x.inv + x.dinv * (t - x.last_step as usize) as f64).max(0.0)
                };
                sink.stock(r, t, units);
            }
        }
    }

    /// One step of the goods flow over the stages that may deviate from plan, in topological order.
    fn step(&self, t: usize, sc: &mut Scratch, sink: &mut dyn Sink) {
        let slot = t % self.slots;
        for &(k, x) in &sc.due[slot] {
            sc.arr[k as usize] = x;
        }
        let cur = slot * self.words;
        for w in 0..self.words {
            let mut bits = sc.awake[w] | sc.pending[cur + w];
            while bits != 0 {
                let b = bits.trailing_zeros();
                let r = w * 64 + b as usize;
                let fresh = sc.pending[cur + w] >> b & 1 == 1;
                let fixed =
                    t >= self.live[r] as usize || self.flow(self.by_rank[r], t, fresh, sc, sink);
                let bit = 1u64 << b;
                if fixed {
                    if sc.awake[w] & bit != 0 {
                        sc.awake[w] &= !bit;
                        sc.awake_count -= 1;
                    }
                } else if sc.awake[w] & bit == 0 {
                    sc.awake[w] |= bit;
                    sc.awake_count += 1;
                }
                bits &= bits - 1;
                // Same-step shipments (delay 0) mark later ranks of this word.
                let above = if b == 63 { 0 } else { !0u64 << (b + 1) };
                bits |= sc.pending[cur + w] & above;
            }
        }
        for w in 0..self.words {
            sc.pending_count -= sc.pending[cur + w].count_ones() as usize;
            sc.pending[cur + w] = 0;
        }
        sc.due[slot].clear();
    }

    /// Receives, produces and ships for one stage at step `t` (`fresh`: an arrival changed, or a wake-up).
    /// Returns whether the stage now coasts (see the module docs): same arrivals and output as at the step
    /// before, its stock and buffers changing by the same amount each step, none falling far enough to change
    /// its output before the wake-up it schedules.
    fn flow(
        &self,
        s: StageIx,
        t: usize,
        fresh: bool,
        sc: &mut Scratch,
        sink: &mut dyn Sink,
    ) -> bool {
        let si = s.index();
        let row = &self.rows[si];
        let x = &mut sc.st[si];
        if x.last_step == u32::MAX {
            sc.touched_list.push(s.0);
        }
        let groups = &self.grows[row.g0 as usize..row.g1 as usize];
        let bufs = &mut sc.buf[row.g0 as usize..row.g1 as usize];
        if x.coasting {
            // The steps it rested through, each adding the same to its buffers and stock (its output was the
            // same).
            let rested = (t - x.last_step as usize - 1) as f64;
            for (b, d) in bufs
                .iter_mut()
                .zip(&sc.dbuf[row.g0 as usize..row.g1 as usize])
            {
                *b += d * rested;
            }
            x.inv = (x.inv + x.dinv * rested).max(0.0);
            x.coasting = false;
        }
        let (target, req, inv, ship_plan, off_out) =
            (x.target, x.req, x.inv, x.ship_plan, x.off_out);
        let mut fixed =
            self.skip && !fresh && !x.replanned && x.last_step.wrapping_add(1) as usize == t;
        let made_before = x.made;
        x.last_step = t as u32;
        x.replanned = false;
        let mut old = [0.0f64; 16];
        if bufs.len() <= old.len() {
            old[..bufs.len()].copy_from_slice(bufs);
        } else {
            fixed = false;
        }
        let mut made = target;
        let mut gots = [0.0f64; 16];
        for (k, (g, b)) in groups.iter().zip(bufs.iter_mut()).enumerate() {
            let mut got = 0.0;
            for &a in &sc.arr[g.k0 as usize..g.k1 as usize] {
                got += a;
            }
            if k < gots.len() {
                gots[k] = got;
            }
            *b += got;
            // A plain comparison, not `f64::min` (whose NaN handling costs three more instructions in the
            // hottest loop of a Monte Carlo run); buffers and quantities are finite.
            if g.qty > 0.0 && *b < made * g.qty {
                made = *b / g.qty;
            }
        }
        // Arrivals are sums of shares, so a planned buffer can miss `qty x target` by rounding.
        if made > target * (1.0 - EPS) {
            made = target;
        }
        let made = made.max(0.0);
        // Steps it may rest before a buffer it draws down could cut its output (two short of the exact count).
        let mut rest = f64::INFINITY;
        for (k, (g, b)) in groups.iter().zip(bufs.iter_mut()).enumerate() {
            let left = *b - g.qty * made;
            *b = if left > 0.0 { left } else { 0.0 };
            if k < old.len() && *b < old[k] {
                rest = rest.min(((*b + gots[k] - g.qty * made) / (old[k] - *b)).floor());
            }
        }
        fixed &= made == made_before;
        let avail = made + inv;
        let ratio = if req > avail && req > 0.0 {
            avail / req
        } else {
            1.0
        };
        let (shipped, off) = if ratio == 1.0 && ship_plan && !off_out {
            // Every flow at plan (the sum `ship` would make), as the last shipments were: nothing to send.
            (row.base_ship, false)
        } else {
            // A platform short this step records it every step: it does not rest.
            fixed &= row.demand_row == NONE || ratio == 1.0;
            self.ship(row, t, ratio, sc, sink)
        };
        let inv_after = (avail - shipped).max(0.0);
        let x = &mut sc.st[si];
        x.inv = inv_after;
        x.off_out = off;
        x.made = made;
        // Same arrivals and output as the step before: every later step repeats this one, except that the
        // buffers of inputs it does not use up grow by the same amount each step, and so does its stock (or it
        // falls) while it fills every order. It rests (coasts) until an arrival or its orders change, or until
        // two steps before its stock could no longer fill its orders, and catches up its buffers and stock then.
        let dinv = inv_after - inv;
        let mut fixed = fixed && (dinv == 0.0 || ratio == 1.0);
        if dinv < 0.0 {
            // ... and before its stock could no longer fill every order.
            rest = rest.min(((inv_after + made - req) / -dinv).floor());
        }
        // Anything but +inf (no limit) bounds the rest; NaN or too short a rest means no rest.
        if fixed && rest != f64::INFINITY {
            let k = if rest.is_nan() {
                0.0
            } else {
                rest.min(self.slots as f64 - 1.0)
            };
            if k >= 2.0 {
                let at = t + k as usize;
                let r = self.rank[si];
                // Past the stage's `live` nothing it does matters: no wake-up (it would only delay the end).
                if at < self.live[r as usize] as usize {
                    let p = (at % self.slots) * self.words + r as usize / 64;
                    let bit = 1u64 << (r % 64);
                    if sc.pending[p] & bit == 0 {
                        sc.pending[p] |= bit;
                        sc.pending_count += 1;
                    }
                }
            } else {
                fixed = false;
            }
        }
        let x = &mut sc.st[si];
        if fixed {
            x.coasting = true;
            x.dinv = dinv;
            let bufs = &sc.buf[row.g0 as usize..row.g1 as usize];
            for ((d, b), o) in sc.dbuf[row.g0 as usize..row.g1 as usize]
                .iter_mut()
                .zip(bufs)
                .zip(old)
            {
                *d = b - o;
            }
        }
        fixed
    }

    /// Ships a fraction `ratio` of every order a stage holds (and of its demand); returns the total, and
    /// whether a shipment on an arc that still matters is off plan.
    fn ship(
        &self,
        row: &StageRow,
        t: usize,
        ratio: f64,
        sc: &mut Scratch,
        sink: &mut dyn Sink,
    ) -> (f64, bool) {
        let h = self.horizon;
        let mut shipped = 0.0;
        let mut off = false;
        for a in &self.arcs[row.s0 as usize..row.s1 as usize] {
            let k = a.k as usize;
            let lf = if a.lane == NONE {
                1.0
            } else {
                sc.lfac[a.lane as usize]
            };
            let x = sc.order[k] * ratio * lf;
            shipped += x;
            // Nobody reads an arrival after the buyer stops mattering (and `live <= H`). A shipment equal to
            // the last one changes nothing: arrivals persist until the next shipment lands.
            if t >= a.stop as usize {
                continue;
            }
            if x != sc.last[k] {
                if !sc.moved[k] {
                    sc.moved[k] = true;
                    sc.moved_list.push(a.k);
                }
                sc.last[k] = x;
                let at = t + a.delay as usize;
                let slot = at % self.slots;
                if a.delay == 0 {
                    sc.arr[k] = x;
                } else {
                    sc.due[slot].push((a.k, x));
                }
                // The buyer is computed when it lands, whatever it is asleep on.
                let p = slot * self.words + a.rank as usize / 64;
                let bit = 1u64 << (a.rank % 64);
                if sc.pending[p] & bit == 0 {
                    sc.pending[p] |= bit;
                    sc.pending_count += 1;
                }
            }
            off |= x != a.base;
        }
        if row.demand_row != NONE {
            let r = row.demand_row as usize;
            let d = self.model.demands()[r].demand;
            let served = d * ratio;
            shipped += served;
            let at = t + self.demand_delay[r] as usize;
            let short = d - served;
            if at < h && short > EPS * d.max(1e-300) {
                sink.short(r, at, short);
            }
        }
        (shipped, off)
    }

    /// Puts every touched piece of state back to the steady state.
    fn reset(&self, sc: &mut Scratch) {
        let m = self.model;
        for &s in &sc.touched_list {
            let st = StageIx(s);
            sc.st[s as usize].last_step = u32::MAX;
            sc.st[s as usize].replanned = false;
            sc.st[s as usize].coasting = false;
            sc.st[s as usize].made = 0.0;
            sc.st[s as usize].off_out = false;
            sc.st[s as usize].inv = m.stages()[s as usize].inventory;
            for g in m.groups_of(st) {
                sc.buf[g.index()] = 0.0;
            }
        }
        sc.touched_list.clear();
        for due in &mut sc.due {
            due.clear();
        }
        for &k in &sc.moved_list {
            let k = k as usize;
            sc.arr[k] = self.base_order[k];
            sc.last[k] = self.base_order[k];
            sc.moved[k] = false;
        }
        sc.moved_list.clear();
        if sc.awake_count != 0 {
            sc.awake.fill(0);
            sc.awake_count = 0;
        }
        for &s in &sc.odirty_list {
            let st = StageIx(s);
            sc.odirty[self.rank[s as usize] as usize / 64] = 0;
            let x = &mut sc.st[s as usize];
            x.req = self.base_req[s as usize];
            x.target = self.base_target[s as usize];
            x.ship_plan = true;
            // Re-planned, perhaps never computed.
            x.replanned = false;
            for g in m.groups_of(st) {
                for k in m.sources_of(g) {
                    sc.order[k.index()] = self.base_order[k.index()];
                }
            }
        }
        sc.odirty_list.clear();
        sc.dirty_count = 0;
        for &s in &sc.fac_stages {
            sc.sfac[s as usize] = 1.0;
            sc.sfac_prev[s as usize] = 1.0;
        }
        for &l in &sc.fac_lanes {
            sc.lfac[l as usize] = 1.0;
            sc.lfac_prev[l as usize] = 1.0;
        }
        sc.fac_stages.clear();
        sc.fac_lanes.clear();
        if sc.pending_count != 0 {
            sc.pending.fill(0);
            sc.pending_count = 0;
        }
    }
}
