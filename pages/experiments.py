"""Experiments: every run of this session and of the runs folder, curves overlaid, settings compared."""

import streamlit as st

from core.runs import load_runs, runs_folder
from playground import experiments_view as view
from playground.literal import literal
from playground.page_link import follow_link, keep_in_address
from playground.teacher_link_ui import teacher_link_maker

K = view.K
PAGE = "experiments"

st.title("Experiments")
follow_link(PAGE, ())  # a teacher's link may set a challenge
folder = runs_folder()
st.caption(
    "Every model trained in this session (on any page) and every run saved in the runs folder: the CLI's "
    "(python -m core.train) and the ones you save here. Pick runs to overlay their curves and see which change "
    f"helped. Runs folder: `{literal(str(folder))}` (a teacher sets PLAYGROUND_RUNS to share one)."
)

live = view.session_runs(st.session_state)
saved_runs, notes = load_runs(folder)
for note in notes:
    st.caption(literal(note))

view.session_runs_section(folder, live)

runs = [record for record, _ in live.values()] + saved_runs
panel = st.container()  # the challenges, checked on the runs and the ones picked below

if not runs:
    view.challenges(panel, runs, [])
    st.info(
        "No runs yet. Train a model on any page (Play or Step), or run "
        "`python -m core.train --data digits --epochs 5`, then come back."
    )
    st.stop()

names = [run.name for run in runs]
default = names[-view.MAX_PICKED :]
picked_names = st.multiselect(
    "Runs to compare", names, default=default, key=K + "picked", max_selections=view.MAX_PICKED
)
picked = [run for run in runs if run.name in picked_names]
view.challenges(panel, runs, picked)
if not picked:
    st.info("Pick one run or more.")
    st.stop()

keys = view.differing(picked)
table = view.runs_table(picked, keys[: view.TABLE_SETTINGS])
st.dataframe(table, hide_index=True)
if len(picked) > 1 and not keys:
    st.caption("These runs have the same settings: any difference in their curves is chance.")
view.plot_runs(picked)

st.subheader("Which change helped?")
metric = st.segmented_control(
    "Judge by", ["test_acc", "test_loss"], default="test_acc", key=K + "metric",
    format_func=lambda m: "test accuracy" if m == "test_acc" else "test loss",
)  # fmt: skip
lines = view.change_sentences(picked, metric or "test_acc")
if lines:
    st.markdown("\n".join(lines))
    st.caption("Compare runs that differ in one setting, trained as long: then the gap is that setting's doing.")
else:
    st.caption("Pick two runs or more that measured it to compare.")

with st.expander("Every setting of the picked runs"):
    all_keys = sorted({key for run in picked for key in run.settings})
    st.dataframe(view.runs_table(picked, all_keys), hide_index=True)
teacher_link_maker(PAGE, keep_in_address(PAGE, ()), {})
