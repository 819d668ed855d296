# %% [markdown]
# # A tour of Keel from Python
#
# The README's short tour (`keel check`, `exposure`, `controls`, `concentration`, `criticality`, `stress`,
# `simulate`, `montecarlo`, `plan`) on the bundled example, in pandas, with a few plots in matplotlib. Every
# table is a DataFrame with the columns and full-precision values of `keel CMD --format csv`.
#
# This file is the source: `tour.ipynb` is made from it by `python make_notebook.py` (cells start at `# %%`).
# Run as a script, it saves the plots as PNG files in `--out DIR` (or `$KEEL_TOUR_OUT`, or a temporary folder).

# %%
import argparse
import os
import sys
import tempfile
from pathlib import Path

import matplotlib

if "ipykernel" not in sys.modules:
    matplotlib.use("Agg")  # a script: no display, files only
import matplotlib.pyplot as plt
import pandas as pd

import keel

parser = argparse.ArgumentParser(description="Keel's tour in pandas; plots saved as PNG files")
parser.add_argument("--out", help="folder for the plots (default $KEEL_TOUR_OUT or a temporary folder)")
args, _ = parser.parse_known_args()  # a notebook kernel passes arguments of its own
OUT = Path(args.out or os.environ.get("KEEL_TOUR_OUT") or tempfile.mkdtemp(prefix="keel-tour-"))
OUT.mkdir(parents=True, exist_ok=True)


def find_example() -> Path:
    """examples/canada-dib, from the repository root or any folder below it (or $KEEL_EXAMPLE)."""
    if os.environ.get("KEEL_EXAMPLE"):
        return Path(os.environ["KEEL_EXAMPLE"])
    for base in [Path.cwd(), *Path.cwd().parents]:
        if (base / "examples" / "canada-dib" / "model.toml").exists():
            return base / "examples" / "canada-dib"
    raise SystemExit("run from inside the Keel repository (examples/canada-dib not found)")


def show(df: pd.DataFrame, rows: int = 10) -> None:
    """A table in a notebook, text in a script."""
    try:
        from IPython.display import display

        if "ipykernel" in sys.modules:
            display(df.head(rows))
            return
    except ImportError:
        pass
    with pd.option_context("display.width", 160, "display.max_columns", 12):
        print(df.head(rows).to_string(), end="\n\n")


def save(fig, name: str) -> None:
    fig.tight_layout()
    fig.savefig(OUT / f"{name}.png", dpi=100)
    print(f"saved {OUT / (name + '.png')}")


pd.set_option("display.float_format", "{:,.4g}".format)

# %% [markdown]
# ## Check: validate and summarise (`keel check examples/canada-dib`)
# A model with errors does not load: `keel.load` raises `keel.ModelError`, whose `.diagnostics` list every
# problem as `(file, line, column, message, hint)`.

# %%
model = keel.load(find_example())
summary = model.summary()
print(f"{summary['name']}: {summary['stages']} stages, {summary['platform_items']} platforms, "
      f"{summary['tiers']} tiers, {summary['scenarios']} scenarios")
show(model.check())  # the warnings (none here)

# %% [markdown]
# ## See: exposure by country (`keel exposure --by country`)
# Look-through value added of each platform by country of origin; the `platforms` table has the home country's
# share.

# %%
shares = model.exposure(by="country")
show(shares)
wide = shares.pivot_table(index="platform", columns="country", values="share", aggfunc="sum").fillna(0)
wide = wide[wide.sum().sort_values(ascending=False).index[:8]]
ax = wide.plot.barh(stacked=True, figsize=(9, 5), title="Share of value added by country of origin")
ax.set_xlabel("share of value added")
ax.legend(title="country", bbox_to_anchor=(1.01, 1), loc="upper left")
save(ax.figure, "exposure")
show(model.exposure(by="country", table="platforms").sort_values("home_share"))

# %% [markdown]
# ## Export controls (`keel controls --regime ITAR`), concentration (`--flagged`), criticality (`--pairs`)

# %%
show(model.controls(regime="ITAR"))
show(model.concentration(flagged=True))
crit = model.run("criticality", pairs=True)
show(crit.table())  # single points of failure ranked by value at stake
show(crit.table("pairs"))  # minimal pairs of countries and of firms whose joint loss stops a platform

# %% [markdown]
# ## Stress-test: the named scenarios by LP (`keel stress --scenarios`)
# Performance impact (PI: value lost), time to survive (TTS) and risk exposure index (REI) of each scenario.

# %%
stress = model.stress(scenarios=True)
show(stress)
ax = stress.sort_values("pi").plot.barh(x="scenario", y="pi", legend=False, figsize=(9, 4),
                                        title="Performance impact of each scenario (LP)")
ax.set_xlabel("value lost (CAD)")
save(ax.figure, "stress")

# %% [markdown]
# ## Simulate one scenario through time (`keel simulate --scenario montreal-port-strike-30d --horizon 3650`)

# %%
sim = model.run("simulate", scenario="montreal-port-strike-30d", horizon=3650, series=True, every=30)
show(sim.table())
series = sim.table("series")
hit = series.groupby("platform")["cumulative_loss"].max().loc[lambda s: s > 0].index
fig, ax = plt.subplots(figsize=(9, 4))
for p in hit:
    s = series[series["platform"] == p]
    ax.plot(s["step"], s["cumulative_loss"], label=p.split("@")[0])
ax.set(title="Cumulative loss after a 30-day strike at the Port of Montreal", xlabel="day", ylabel="CAD")
if len(hit):
    ax.legend(fontsize=7)
save(fig, "simulate")

# %% [markdown]
# ## Monte Carlo (`keel montecarlo --runs 1000 --seed 1 --horizon 3650`)

# %%
mc = model.run("montecarlo", runs=1000, seed=1, horizon=3650)
show(mc.table("total"))
show(mc.table())  # loss per platform
show(mc.table("drivers"))  # elements most frequent in the worst runs
ax = mc.table("runs")["loss"].plot.hist(bins=40, figsize=(8, 4), title="Loss per run (1,000 runs, 10 years)")
ax.set_xlabel("loss (CAD)")
save(ax.figure, "montecarlo")

# %% [markdown]
# ## Strengthen: the investment plan (`keel plan`)
# The best plan for CAD 300 M; the expected loss at each budget (the frontier); the tail (CVaR) instead; and a
# plan that keeps every platform at full demand for 30 days without any one of the other countries.

# %%
plan = model.run("plan", budget=3e8)
show(plan.table())
show(plan.table("summary"))
frontier = model.plan(frontier=[0, 25e6, 1e8, 3e8, 1e9])
show(frontier)
ax = frontier.plot(x="budget", y="expected_loss", marker="o", legend=False, figsize=(7, 4),
                   title="Expected loss at each budget")
ax.set(xlabel="budget (CAD)", ylabel="expected loss (CAD)")
save(ax.figure, "frontier")
show(model.plan(3e8, risk="cvar:0.95"))
show(model.plan(1e9, survive="country:30", except_=["CAN", "USA", "GBR", "NZL", "NOR", "TWN"]))

# %% [markdown]
# ## Everything as Arrow (for polars) and JSON
# `Results.arrow(name)` is the `pyarrow.Table` the DataFrame was made from (`polars.from_arrow` takes it);
# `Results.json` the document `keel CMD --format json` writes.

# %%
table = mc.arrow("platforms")
print(table.schema.to_string(show_field_metadata=False, show_schema_metadata=False))
print(sorted(mc.json))
