//! One module per subcommand.

pub mod check;
pub mod concentration;
pub mod controls;
pub mod convert;
pub mod criticality;
pub mod exposure;
pub mod generate;
pub mod import;
pub mod montecarlo;
pub mod mrio;
pub mod report;
pub mod simulate;
pub mod stress;
