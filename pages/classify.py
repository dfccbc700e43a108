"""Classify your own image: draw a digit, upload a picture or take a photo, and see what a trained model says."""

import streamlit as st

from playground import classify_view as view
from playground.challenges_ui import challenge_panel
from playground.page_link import follow_link, keep_in_address
from playground.teacher_link_ui import teacher_link_maker

PAGE = "classify"

st.title("Classify your own image")
st.caption(
    "Draw a digit, upload a picture or take a photo. A trained TinyVGG, or a network pretrained on ImageNet, says "
    "what it sees, with its probabilities, "
    "and shows the image as it sees it: every preprocessing step, then its first feature maps."
)
follow_link(PAGE, ())  # a teacher's link may set a challenge
classifier = view.pick_classifier()
left, right = st.columns([1, 1.4], gap="large")
with left:
    image, source = view.image_input()
with right:
    prediction = view.classify(classifier, image, source)
challenge_panel(PAGE, None, lambda: view.classify_attempt(classifier, source, prediction), subject="Now")
teacher_link_maker(PAGE, keep_in_address(PAGE, ()), {})
