//! Dense, typed indices into the model's arrays.
//!
//! Every entity is interned once at load time; analyses work on `u32` indices so that adjacency fits in flat
//! arrays and a million-arc model stays cache friendly. The newtypes stop a stage index being used as a site
//! index by mistake.

macro_rules! index_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(pub u32);

        impl $name {
            /// The position in the model's array for this kind of entity.
            #[inline]
            pub fn index(self) -> usize {
                self.0 as usize
            }
            /// Wraps an array position. Panics only if `i` exceeds `u32::MAX`, which the loader rules out.
            #[inline]
            pub fn new(i: usize) -> Self {
                Self(u32::try_from(i).expect("index fits in u32"))
            }
        }
    };
}

index_type!(
    /// A country (row of `countries.csv`).
    CountryIx
);
index_type!(
    /// A bloc tag such as `NATO`.
    BlocIx
);
index_type!(
    /// A firm (row of `firms.csv`).
    FirmIx
);
index_type!(
    /// A site (row of `sites.csv`).
    SiteIx
);
index_type!(
    /// An item (row of `items.csv`).
    ItemIx
);
index_type!(
    /// A stage (row of `stages.csv`).
    StageIx
);
index_type!(
    /// One distinct (stage, input item) pair: the AND-node of the bill of materials.
    GroupIx
);
index_type!(
    /// One supplier option of a group (row of `inputs.csv`): the OR-branch.
    SourceIx
);
index_type!(
    /// A transport lane (row of `lanes.csv`).
    LaneIx
);
index_type!(
    /// A named chokepoint on one or more lanes.
    ChokeIx
);
index_type!(
    /// An export-control regime from `[export_regimes]`.
    RegimeIx
);

/// The one "no element" value of a flat `u32` index array (e.g. "this stage has no row in the LP").
pub const NONE: u32 = u32::MAX;

/// `v[ix]` for a typed index on the model's vectors and slices, beside `v[ix.index()]`.
macro_rules! typed_index {
    ($($ix:ident => $t:ty),* $(,)?) => {$(
        impl std::ops::Index<$ix> for [$t] {
            type Output = $t;
            #[inline]
            fn index(&self, i: $ix) -> &$t {
                &self[i.index()]
            }
        }
        impl std::ops::IndexMut<$ix> for [$t] {
            #[inline]
            fn index_mut(&mut self, i: $ix) -> &mut $t {
                &mut self[i.index()]
            }
        }
        impl std::ops::Index<$ix> for Vec<$t> {
            type Output = $t;
            #[inline]
            fn index(&self, i: $ix) -> &$t {
                &self[i.index()]
            }
        }
        impl std::ops::IndexMut<$ix> for Vec<$t> {
            #[inline]
            fn index_mut(&mut self, i: $ix) -> &mut $t {
                &mut self[i.index()]
            }
        }
    )*};
}

typed_index!(
    CountryIx => crate::model::Country,
    BlocIx => String,
    FirmIx => crate::model::Firm,
    SiteIx => crate::model::Site,
    ItemIx => crate::model::Item,
    StageIx => crate::model::Stage,
    GroupIx => crate::model::Group,
    SourceIx => crate::model::Source,
    LaneIx => crate::model::Lane,
    ChokeIx => String,
    RegimeIx => crate::model::Regime,
);
