//! Re-planning: when the set of active events changes, the orders of the stages it can affect are recomputed
//! (re-routed away from stopped suppliers and closed lanes, one tier of expediting, see the module docs of
//! [`super`]) and the stages whose orders moved are marked for the step kernel.
//!
//! # Complexity
//! O(arcs) over the stages whose orders change at each change of the active event set (local: disrupted stages,
//! their buyers and suppliers, the alternatives and theirs).

use super::*;

impl Simulator<'_> {
    /// Held orders, target and procurement of stage `s`; writes its orders and calls `changed(supplier)` for
    /// each source whose order changed or differs from plan (a supplier's re-routed extra depends on both).
    /// `pull`: procure for the target (the plan itself); otherwise procurement is frozen at plan plus the
    /// re-routed extra, within capacity. Returns (R, T, whether s deviates from plan, whether s ships its plan
    /// when it can fill its orders: every order it holds at plan and no lane from it slowed).
    pub(super) fn plan(
        &self,
        s: StageIx,
        sfac: &[f64],
        lfac: &[f64],
        order: &mut [f64],
        pull: bool,
        mut changed: impl FnMut(StageIx),
    ) -> (f64, f64, bool, bool) {
        let m = self.model;
        let st = &m.stages()[s.index()];
        let mut req = m.demand_of(s).map_or(0.0, |d| d.demand);
        let mut extra = 0.0;
        let mut partial_lane = false;
        let mut held_plan = true;
        for &k in m.buyers_of(s) {
            let o = order[k.index()];
            req += o;
            if let Some(l) = m.sources()[k.index()].lane {
                partial_lane |= lfac[l.index()] < 1.0;
            }
            let base = self.base_order[k.index()];
            held_plan &= o == base;
            if !pull && o > base && self.rerouted(m.sources()[k.index()].group, sfac, lfac) {
                extra += o - base;
            }
        }
        let f = sfac[s.index()];
        let cap = match st.capacity {
            Some(c) => c * f,
            None => req * f,
        };
        let target = req.min(cap).max(0.0);
        let buy = if pull {
            target
        } else {
            let want = self.base_target[s.index()] + extra;
            match st.capacity {
                Some(c) => want.min(c * f),
                None => want * f,
            }
            .max(0.0)
        };
        let mut dirty = f < 1.0 || partial_lane;
        for g in m.groups_of(s) {
            let grp = &m.groups()[g.index()];
            let need = grp.qty * buy;
            let mut share = 0.0;
            let mut count = 0usize;
            for k in m.sources_of(g) {
                if self.available(k, sfac, lfac) {
                    share += m.sources()[k.index()].share;
                    count += 1;
                }
            }
            for k in m.sources_of(g) {
                let o = if !self.available(k, sfac, lfac) {
                    0.0
                } else if share > 0.0 {
                    need * m.sources()[k.index()].share / share
                } else {
                    need / count as f64
                };
                let base = self.base_order[k.index()];
                if o != order[k.index()] || o != base {
                    order[k.index()] = o;
                    changed(m.sources()[k.index()].supplier);
                }
                dirty |= o != base;
            }
        }
        if !pull {
            dirty |= req != self.base_req[s.index()] || target != self.base_target[s.index()];
        }
        (req, target, dirty, held_plan && !partial_lane)
    }

    /// Whether some but not all sources of group `g` are unavailable: its buyer has re-routed orders.
    fn rerouted(&self, g: GroupIx, sfac: &[f64], lfac: &[f64]) -> bool {
        let mut up = 0usize;
        let mut down = 0usize;
        for k in self.model.sources_of(g) {
            if self.available(k, sfac, lfac) {
                up += 1;
            } else {
                down += 1;
            }
        }
        up > 0 && down > 0
    }

    #[inline]
    fn available(&self, k: SourceIx, sfac: &[f64], lfac: &[f64]) -> bool {
        let src = &self.model.sources()[k.index()];
        sfac[src.supplier.index()] > 0.0 && src.lane.is_none_or(|l| lfac[l.index()] > 0.0)
    }

    /// Applies the events active at step `t` and re-plans the stages whose orders may have changed.
    pub(super) fn epoch(&self, t: usize, events: &[RunEvent], sc: &mut Scratch) {
        let m = self.model;
        for &s in &sc.fac_stages {
            sc.sfac[s as usize] = 1.0;
        }
        for &l in &sc.fac_lanes {
            sc.lfac[l as usize] = 1.0;
        }
        std::mem::swap(&mut sc.fac_stages, &mut sc.old_stages);
        std::mem::swap(&mut sc.fac_lanes, &mut sc.old_lanes);
        sc.fac_stages.clear();
        sc.fac_lanes.clear();
        for e in events.iter().filter(|e| e.first <= t && t < e.end) {
            let f = if e.factor.is_finite() {
                e.factor.clamp(0.0, 1.0)
            } else {
                0.0
            };
            if f >= 1.0 {
                continue;
            }
            for &s in self.hit_stages(e.hit) {
                if sc.sfac[s.index()] >= 1.0 {
                    sc.fac_stages.push(s.0);
                }
                sc.sfac[s.index()] = sc.sfac[s.index()].min(f);
            }
            let (ls, l1) = self.hit_lanes_slice(e.hit);
            for &l in ls.iter().chain(l1.iter()) {
                if sc.lfac[l.index()] >= 1.0 {
                    sc.fac_lanes.push(l.0);
                }
                sc.lfac[l.index()] = sc.lfac[l.index()].min(f);
            }
        }
        // Seeds: the stages whose factor changed (and, if they stopped or restarted, their buyers, which
        // re-route), and the suppliers over lanes whose factor changed (and, if closed or reopened, the buyers).
        // Everything else that changes is reached through changed orders, as `plan` is a function of the
        // factors and of the orders the stage holds.
        let set = |bits: &mut [u64], r: u32| bits[r as usize / 64] |= 1u64 << (r % 64);
        if !self.skip {
            for r in 0..m.stages().len() {
                set(&mut sc.seeds, r as u32);
            }
        }
        for &s in sc.old_stages.iter().chain(&sc.fac_stages) {
            let (old, new) = (sc.sfac_prev[s as usize], sc.sfac[s as usize]);
            if old == new {
                continue;
            }
            sc.sfac_prev[s as usize] = new;
            set(&mut sc.seeds, self.rank[s as usize]);
            if (old <= 0.0) != (new <= 0.0) {
                for &k in m.buyers_of(StageIx(s)) {
                    set(&mut sc.seeds, self.rank[m.buyer(k).index()]);
                }
            }
        }
        for &l in sc.old_lanes.iter().chain(&sc.fac_lanes) {
            let (old, new) = (sc.lfac_prev[l as usize], sc.lfac[l as usize]);
            if old == new {
                continue;
            }
            sc.lfac_prev[l as usize] = new;
            let flip = (old <= 0.0) != (new <= 0.0);
            for &k in &self.lane_src
                [self.lane_src_off[l as usize] as usize..self.lane_src_off[l as usize + 1] as usize]
            {
                set(
                    &mut sc.seeds,
                    self.rank[m.sources()[k.index()].supplier.index()],
                );
                if flip {
                    set(&mut sc.seeds, self.rank[m.buyer(k).index()]);
                }
            }
        }
        // Buyers before suppliers: scan ranks downwards; a stage only marks its suppliers (lower ranks).
        for w in (0..self.words).rev() {
            while sc.seeds[w] != 0 {
                let b = 63 - sc.seeds[w].leading_zeros();
                sc.seeds[w] &= !(1u64 << b);
                let r = w * 64 + b as usize;
                let s = self.by_rank[r];
                let seeds = &mut sc.seeds;
                let rank = &self.rank;
                let (req, target, dirty, ship_plan) =
                    self.plan(s, &sc.sfac, &sc.lfac, &mut sc.order, false, |sup| {
                        let q = rank[sup.index()];
                        seeds[q as usize / 64] |= 1u64 << (q % 64);
                    });
                let x = &mut sc.st[s.index()];
                x.req = req;
                x.target = target;
                x.ship_plan = ship_plan;
                // Computed at least once more: its shipments (which persist) must follow the new orders.
                x.replanned = true;
                if sc.awake[w] >> b & 1 == 0 {
                    sc.awake[w] |= 1u64 << b;
                    sc.awake_count += 1;
                }
                let was = sc.odirty[w] >> b & 1 == 1;
                if dirty || !self.skip {
                    if !was {
                        sc.odirty[w] |= 1u64 << b;
                        sc.odirty_list.push(s.0);
                        sc.dirty_count += 1;
                    }
                } else if was {
                    // Left in `odirty_list` (restoring a stage on plan is harmless).
                    sc.odirty[w] &= !(1u64 << b);
                    sc.dirty_count -= 1;
                }
            }
        }
    }
}
