"""The backprop page's controls and panels: the five step buttons, the loop, the chosen weight, rewind."""

from __future__ import annotations

import math
from typing import Any

import streamlit as st

from core.backprop import STEP_CODE, STEP_TITLES, STEPS, BackpropStepper, loop_source
from core.challenges import prediction_verdict
from core.classification import ClassificationConfig, structure_key
from core.parameters import Parameter, all_parameters, describe, parameter_name
from playground.backprop_view import new_stepper, value_of
from playground.classification_urlsync import saved_settings
from playground.literal import literal
from playground.live.run import LiveRun
from playground.live.session import namespaced

PAGE = "backprop"
SOURCE = "classification"  # the page whose model and settings this one steps through
STEPPER, POINTS, KEY = PAGE + "/stepper", PAGE + "/points", PAGE + "/key"
CHOSEN, POINT, EDIT = PAGE + "/chosen", PAGE + "/point", PAGE + "/edit"
EDITED = PAGE + "/edited"  # (parameter label, loss before, loss after) of the last hand edit
GUESS = PAGE + "/guess"  # the learner's prediction of the chosen parameter after the next step


def _source_run() -> LiveRun | None:
    run = st.session_state.get(namespaced(SOURCE, "run"))
    return run if isinstance(run, LiveRun) else None


def source_config() -> ClassificationConfig:
    """The classification playground's settings as it last drew them (its defaults before a first visit)."""
    return saved_settings(SOURCE) or ClassificationConfig()


def current_stepper(config: ClassificationConfig) -> tuple[BackpropStepper, Any, bool]:
    """The session's stepper for these settings (a fresh copy of the playground's model when they changed).

    Returns the stepper, the training points' coordinates, and whether it was just made.
    """
    key = (structure_key(config), config.train.learning_rate, config.train.batch_size)
    state = st.session_state
    if state.get(KEY) != key or not isinstance(state.get(STEPPER), BackpropStepper):
        state[STEPPER], state[POINTS] = new_stepper(config, _source_run())
        state[KEY] = key
        state.pop(EDITED, None)
        return state[STEPPER], state[POINTS], True
    return state[STEPPER], state[POINTS], False


def _advance(stepper: BackpropStepper, count: int) -> None:
    for _ in range(count):
        stepper.advance()
    st.session_state.pop(EDITED, None)


def step_buttons(stepper: BackpropStepper) -> None:
    """The five steps as buttons (only the next one enabled), then 'All five' and 'Ten steps'."""
    row = st.container(horizontal=True, gap="small")
    for index, step in enumerate(STEPS):
        row.button(
            STEP_TITLES[step],
            key=f"{PAGE}/do/{step}",
            on_click=_advance,
            args=(stepper, 1),
            disabled=index != stepper.next,
            type="primary" if index == stepper.next else "secondary",
            help=f"Runs `{STEP_CODE[step]}`",
        )
    remaining = len(STEPS) - stepper.next
    row.button(
        "Finish this batch" if stepper.next else "All five",
        key=f"{PAGE}/do/all",
        on_click=_advance,
        args=(stepper, remaining),
        help="The remaining steps of this batch at once",
    )
    row.button(
        "Ten batches",
        key=f"{PAGE}/do/ten",
        on_click=_advance,
        args=(stepper, remaining + 10 * len(STEPS) - len(STEPS)),
        help="Train ten whole steps (finishing this batch first)",
    )


def loop_code(stepper: BackpropStepper) -> None:
    """The loop the buttons run, the line of the step just done marked."""
    done = STEPS[stepper.next - 1] if stepper.next else ("step" if stepper.steps_done else None)
    lines = loop_source(stepper.batch_size, stepper.lr).splitlines()
    marked = [line + ("  # ← ran last" if done and line.strip() == STEP_CODE[done] else "") for line in lines]
    st.code("\n".join(marked), language="python", wrap_lines=True)


def _fmt(value: float) -> str:
    return "nan" if math.isnan(value) else f"{value:.6g}"


def _picture(stepper: BackpropStepper) -> str:
    """What the plane shows: a regression's predicted surface, or a classifier's boundary."""
    return "surface of predicted values" if stepper.y.is_floating_point() else "boundary"


def what_changed(stepper: BackpropStepper) -> None:
    """One paragraph on what the step just run changed."""
    shown = stepper.shown
    last = STEPS[stepper.next - 1] if stepper.next else ("step" if stepper.steps_done else None)
    if last is None:
        st.info("Press **1. Forward pass** to push a batch of points through the network.")
        return
    texts = {
        "forward": f"The batch's {len(stepper.batch)} points went through the network: every unit now has an "
        "activation (the nodes show them for the chosen point; hover for z and a). No gradient yet.",
        "loss": f"The loss of this batch is **{_fmt(shown.loss or float('nan'))}**: one number that says how wrong "
        "the outputs are. PyTorch remembers how it was computed, for the backward pass.",
        "zero_grad": "Every parameter's `.grad` is cleared (`None`): without this, `backward()` would add the new "
        "gradients to the last batch's.",
        "backward": "`loss.backward()` filled every parameter's `.grad` with dL/dparameter for this batch, "
        "by the chain rule from the output back to the inputs. Hover an edge, or pick one below to see its chain.",
        "step": f"`optimizer.step()` moved every parameter against its gradient: w ← w − {stepper.lr:g} · grad. "
        f"The {_picture(stepper)} moved with them.",
    }
    st.markdown(texts[last])


def choose_parameter(stepper: BackpropStepper, names: list[list[str]]) -> Parameter:
    """A select box of every weight and bias (a click on the network sets it too); returns the chosen one."""
    options = all_parameters(stepper.model)
    labels = [describe(p, names) for p in options]
    if st.session_state.get(CHOSEN) not in labels:
        st.session_state[CHOSEN] = labels[0]
    label = st.selectbox("Weight or bias", labels, key=CHOSEN, help="Or click an edge (weight) or a unit (bias)")
    return options[labels.index(label)]


def pick_from_chart(picked: Parameter | None, names: list[list[str]]) -> None:
    """Make a parameter picked on the network the chosen one (before the select box is drawn)."""
    if picked is not None:
        st.session_state[CHOSEN] = describe(picked, names)


def parameter_panel(stepper: BackpropStepper, chosen: Parameter, names: list[list[str]]) -> None:
    """The chosen parameter: its value, `.grad`, the update written out (and a prediction of it), its chain rule,
    and an editor."""
    name = parameter_name(stepper.model, chosen)
    value = value_of(stepper, chosen)
    grad_tensor = stepper.shown.grads.get(name)
    columns = st.columns(3)
    columns[0].metric("Value now", f"{value:.6g}")
    if stepper.shown.grads:
        grad = None if grad_tensor is None else float(grad_tensor[chosen.index])
        columns[1].metric(".grad", "None" if grad is None else f"{grad:.6g}")
    else:
        columns[1].metric(".grad", "—", help="Run the backward pass")
    columns[2].metric("Training-set loss now", f"{stepper.current_loss():.6g}")
    just_stepped = stepper.next == 0 and stepper.steps_done and stepper.shown.after
    if just_stepped and name in stepper.shown.before:
        before = float(stepper.shown.before[name][chosen.index])
        after = float(stepper.shown.after[name][chosen.index])
        grad = float(stepper.shown.grads[name][chosen.index])
        st.markdown(f"**The update:** w − lr · grad = {before:.6g} − {stepper.lr:g} × {grad:.6g} = **{after:.6g}**")
        _prediction_result(stepper, name, chosen.index)
    if stepper.next == STEPS.index("step"):
        _prediction_input(stepper, name, chosen.index)
    if stepper.next == STEPS.index("step") or (just_stepped and stepper.shown.grads):
        rule = stepper.chain_rule(chosen.layer, chosen.unit, chosen.source, _point(stepper))
        with st.expander("The chain rule for this parameter, with the numbers", expanded=True):
            where = f"model[{name.split('.')[0]}].{name.split('.')[1]}[{', '.join(map(str, chosen.index))}]"
            st.caption(literal(f"{describe(chosen, names)}: PyTorch's {where}"))
            st.code("\n".join(rule.formula + [""] + rule.point_lines), language=None)
            if not (math.isfinite(rule.total) and math.isfinite(rule.autograd)):
                verdict = "The loss is not a finite number any more: lower the learning rate and press Same start."
            elif abs(rule.total - rule.autograd) <= 1e-6:
                verdict = "They agree."
            else:
                verdict = "They differ (the weights changed since the backward pass)."
            st.markdown(
                f"Summed over the batch's {len(rule.per_point)} points: **{rule.total:.8g}**. "
                f"Autograd's `.grad`: **{rule.autograd:.8g}**. {verdict}"
            )
    _editor(stepper, chosen, names, value)


def _prediction_input(stepper: BackpropStepper, name: str, index: tuple[int, ...]) -> None:
    """Before optimizer.step(): the learner may predict this parameter's next value (checked when it runs)."""
    key = f"{GUESS}/{name}/{index}/{stepper.steps_done}"  # a fresh box for each parameter and step

    def note() -> None:
        value = st.session_state.get(key)
        if value is not None and math.isfinite(value):
            stepper.predict(name, index, float(value))

    st.number_input(
        "Predict its value after optimizer.step()",
        value=None,
        format="%.8f",
        step=1e-6,
        key=key,
        on_change=note,
        placeholder="w − lr · grad = ?",
        width=360,
        help="Work out w − lr · grad from the value and .grad above, then press Optimizer step to check",
    )


def _prediction_result(stepper: BackpropStepper, name: str, index: tuple[int, ...]) -> None:
    last = stepper.predictions[-1] if stepper.predictions else None
    if last is None or (last.name, last.index, last.step) != (name, index, stepper.steps_done):
        return
    verdict = prediction_verdict(last)
    (st.success if verdict.met else st.info)(f"You predicted {last.predicted:.8g}: {verdict.progress}.")


def _point(stepper: BackpropStepper) -> int:
    return min(int(st.session_state.get(POINT, 0)), max(len(stepper.batch) - 1, 0))


def point_picker(stepper: BackpropStepper) -> int | None:
    """Which point of the batch the network's nodes show (None: the batch mean); the chain rule's point."""
    row = st.container(horizontal=True, vertical_alignment="bottom")
    point = row.number_input(
        "Point of the batch",
        0,
        max(len(stepper.batch) - 1, 0),
        key=POINT,
        help="The chain rule is written out for this point; the nodes show its activations",
    )
    mean = row.toggle("Nodes: batch mean", key=PAGE + "/mean", help="Colour the units by the batch's mean activation")
    return None if mean else int(point)


def _set_value(stepper: BackpropStepper, chosen: Parameter, label: str) -> None:
    value = st.session_state.get(EDIT)
    if value is None or not math.isfinite(value):
        return
    edit = stepper.set_parameter(parameter_name(stepper.model, chosen), chosen.index, float(value))
    st.session_state[EDITED] = (label, edit.loss_before, edit.loss_after)


def _editor(stepper: BackpropStepper, chosen: Parameter, names: list[list[str]], value: float) -> None:
    label = describe(chosen, names)
    st.session_state[EDIT] = round(value, 6)
    st.number_input(
        "Set it by hand",
        -100.0,
        100.0,
        step=0.1,
        format="%.4f",
        key=EDIT,
        on_change=_set_value,
        args=(stepper, chosen, label),
        help=f"The {_picture(stepper)} and the loss change at once; the next forward pass uses it",
    )
    edited = st.session_state.get(EDITED)
    if edited and edited[0] == label:
        _, before, after = edited
        st.caption(f"Training-set loss {before:.6g} → {after:.6g} ({after - before:+.6g}).")


def rewind_buttons(stepper: BackpropStepper, seed: int) -> None:
    """'Same start' (the starting weights, bit for bit) and 'New start' (fresh ones)."""
    row = st.container(horizontal=True, gap="small")

    def rewind(same: bool) -> None:
        draws = st.session_state.get(PAGE + "/draws", 0) + (0 if same else 1)
        st.session_state[PAGE + "/draws"] = draws
        stepper.rewind(same_start=same, seed=seed + 1000 * draws)
        st.session_state.pop(EDITED, None)

    row.button("Same start", key=PAGE + "/same", on_click=rewind, args=(True,), help="Back to the starting weights")
    row.button("New start", key=PAGE + "/new", on_click=rewind, args=(False,), help="Draw new starting weights")
    steps = stepper.steps_done
    row.caption(f"{steps} optimizer step{'' if steps == 1 else 's'} since the start.")
