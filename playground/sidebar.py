"""The sidebar every page shares: device choice and the global seed."""

from __future__ import annotations

import streamlit as st
import torch

from core.device import DEVICE_CHOICES, DeviceChoice, pick_device

DEVICE_KEY = "app/device"
SEED_KEY = "app/seed"
DEFAULT_SEED = 42
MAX_SEED = 2**31 - 1


def _seed_from_url() -> int:
    try:
        value = int(st.query_params.get("seed", DEFAULT_SEED))
    except (TypeError, ValueError):
        return DEFAULT_SEED
    return value if 0 <= value <= MAX_SEED else DEFAULT_SEED


def app_sidebar() -> None:
    """Draw the device choice (with what was detected and why) and the seed."""
    if SEED_KEY not in st.session_state:
        st.session_state[SEED_KEY] = _seed_from_url()
    with st.sidebar:
        st.selectbox(
            "Device",
            DEVICE_CHOICES,
            key=DEVICE_KEY,
            help="auto tries CUDA, then Apple MPS, then the CPU. New models are built on this device.",
        )
        choice = current_device_choice()
        st.caption(f"Using **{choice.device}**. {choice.reason}")
        st.number_input(
            "Seed",
            min_value=0,
            max_value=MAX_SEED,
            step=1,
            key=SEED_KEY,
            help="Seeds the data, the initial weights and the batch order, so a run can be repeated.",
        )


def current_device_choice() -> DeviceChoice:
    """The device picked in the sidebar (auto when the sidebar has not been drawn)."""
    return pick_device(st.session_state.get(DEVICE_KEY, "auto"))


def current_device() -> torch.device:
    """The torch.device new models should live on."""
    return current_device_choice().device


def current_seed() -> int:
    """The global seed from the sidebar."""
    return int(st.session_state.get(SEED_KEY, DEFAULT_SEED))
