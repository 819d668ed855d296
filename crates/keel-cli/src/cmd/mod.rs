//! One module per subcommand.

pub mod check;
pub mod convert;
pub mod generate;
pub mod import;
pub mod mrio;
pub mod criticality;
pub mod exposure;
pub mod controls;
pub mod concentration;
pub mod report;
pub mod simulate;
pub mod montecarlo;
