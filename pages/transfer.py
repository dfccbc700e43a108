"""Transfer learning: a real ImageNet network, a new classifier for a few images, and the same net from scratch."""

import streamlit as st

from core.transfer import PretrainedMissing
from playground import transfer_view as view
from playground.literal import literal
from playground.page_link import follow_link, keep_in_address, labels
from playground.sidebar import current_device, current_seed
from playground.teacher_link_ui import teacher_link_maker

PAGE = "transfer"

st.title("Transfer learning")
st.caption(
    "Start from a network that already learnt to see on 1.3 million photos, give it a new classifier for your "
    "classes, and train it on a handful of examples. Beside it, the same network learns from scratch."
)
try:
    view.imagenet_model()
except PretrainedMissing as error:
    st.error(literal(str(error)))
    st.stop()

seed = current_seed()
linked = view.linked_controls(seed)
follow_link(PAGE, linked)  # a link's settings, and a teacher's locks, hides and challenge
st.subheader("1. A network that already knows 1,000 things")
view.imagenet_demo()

st.subheader("2. Your classes, a few images each")
data = view.data_ui(seed)
if data is None:
    st.stop()

st.subheader("3. Freeze or train each part")
trainable = view.freeze_ui(data.size, len(data.train.classes), data.train.images.shape[1])

st.subheader("4. Pretrained against from scratch, live")
view.pretrained_vs_scratch(data, trainable, seed, current_device())
teacher_link_maker(PAGE, keep_in_address(PAGE, linked), labels(linked))
