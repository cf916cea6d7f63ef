"""Parameter sweeps over seeds: a grid of scenario arguments, run on Dask, judged per seed.

`python -m devops.sweep` is the command (`devops.sweep.cli`); `grid` parses and applies
the varied arguments, `task` runs one (scenario, overrides, seed, steps), `cluster`
spreads tasks over Dask workers, `summary` tallies pass rates and worst figures, and
`outputs` writes the CSV files and the plot, `page` the same plot as an HTML page.
"""
