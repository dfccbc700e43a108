"""The topic pages that exist, in course order (the home page's map and the navigation)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    """One page of the playground."""

    path: str  # the page's file, relative to the app's root
    title: str  # shown in the navigation and on the home page
    icon: str  # a Material icon for the navigation
    summary: str  # one sentence on the home page


TOPICS: tuple[Topic, ...] = (
    Topic(
        "app_pages/tensors.py",
        "Tensors",
        ":material/grid_on:",
        "Build tensors, see their shape, dtype, device, stride and values; operate on them with the rule drawn; "
        "meet the three common errors and their fixes; time CPU against GPU.",
    ),
    Topic(
        "app_pages/workflow.py",
        "The PyTorch workflow",
        ":material/timeline:",
        "Fit a line (or a curve) live: the course's LinearRegressionModel, L1 or MSE, SGD or Adam, the loss "
        "landscape with the optimizer's path, and saving and loading the state_dict safely.",
    ),
    Topic(
        "app_pages/classification.py",
        "Classification playground",
        ":material/scatter_plot:",
        "Train a neural network on 2-D points and watch its decision boundary and every neuron change live "
        "(TensorFlow Playground, in PyTorch).",
    ),
    Topic(
        "app_pages/vision.py",
        "Computer vision",
        ":material/image:",
        "Train the course's TinyVGG live on handwritten digits or drawn shapes; trace every layer's shape, and "
        "look inside: feature maps, kernels, probabilities and one convolution worked out by hand.",
    ),
)
