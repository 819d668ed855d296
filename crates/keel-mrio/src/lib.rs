//! Keel's economy-level companion analysis: multi-regional input-output (MRIO)
//! origin of the value added embodied in an industry's final output.
//!
//! Where the firm-level analyses of Keel ask who supplies a defence programme,
//! this crate asks the economy-wide question: of every dollar of final output
//! of, say, Canada's transport-equipment industry (WIOD sector `c15`), how much
//! is value added at home and how much in each other economy, through all
//! tiers of the global supply chain.
//!
//! * [`iot`] — the table as plain data ([`Iot`], sparse [`Csr`] matrix);
//! * [`read`] — the WIOD CSV reader ([`read_wiod`]);
//! * [`origin`] — the analysis ([`value_added_origin`]): `va = v ∘ (I - A)^-1 y`,
//!   solved sparsely by Gauss-Seidel in `O(nnz(A) x iterations)`.
//!
//! ```no_run
//! let iot = keel_mrio::read_wiod(std::path::Path::new("../shared/data/wiod2013"))?;
//! let r = keel_mrio::value_added_origin(&iot, "CAN", "c15")?;
//! println!("domestic share {:.3}", r.domestic_share);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Method and sources: `docs/methods/mrio.md` (Leontief 1936; Timmer et al.,
//! Review of International Economics 23:575-605, 2015; OECD TiVA).

pub mod iot;
pub mod origin;
pub mod read;

pub use iot::{Csr, Iot, MrioError};
pub use origin::{
    solve_leontief, value_added_origin, value_added_origin_with, CellShare, LeontiefSolution,
    OriginShare, SolveOptions, VaOrigin,
};
pub use read::{read_wiod, read_wiod_files, WiodError, WiodFiles};
