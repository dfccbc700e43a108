"""Classify your own image: draw a digit, upload a picture or take a photo, and see what a trained model says."""

import streamlit as st

from playground import classify_view as view

st.title("Classify your own image")
st.caption(
    "Draw a digit, upload a picture or take a photo. A trained TinyVGG, or a network pretrained on ImageNet, says "
    "what it sees, with its probabilities, "
    "and shows the image as it sees it: every preprocessing step, then its first feature maps."
)
classifier = view.pick_classifier()
left, right = st.columns([1, 1.4], gap="large")
with left:
    image, source = view.image_input()
with right:
    view.classify(classifier, image, source)
