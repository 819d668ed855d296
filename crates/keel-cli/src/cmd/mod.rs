//! One module per subcommand.

pub(crate) mod check;
pub(crate) mod concentration;
pub(crate) mod controls;
pub(crate) mod convert;
pub(crate) mod criticality;
pub(crate) mod diff;
pub(crate) mod exposure;
pub(crate) mod generate;
pub(crate) mod import;
pub(crate) mod merge;
pub(crate) mod montecarlo;
pub(crate) mod mrio;
pub(crate) mod plan;
pub(crate) mod policy;
pub(crate) mod report;
pub(crate) mod serve;
pub(crate) mod simulate;
pub(crate) mod stress;

/// Parses an element-kind option (`--kind`, `--each`) through [`keel_model::ElementKind`], accepting only `kinds`:
/// clap lists them in `--help` and suggests the closest on a typo.
pub(crate) fn kind_parser(
    kinds: &'static [keel_model::ElementKind],
) -> impl clap::builder::TypedValueParser<Value = keel_model::ElementKind> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(kinds.iter().map(|k| k.as_str()))
        .try_map(|word| word.parse::<keel_model::ElementKind>())
}
