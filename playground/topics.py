"""The topic pages that exist, in course order (the home page's map and the navigation)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the project root: pages/ and assets/ live here
APP_ICON = ROOT / "assets" / "icon.png"  # the browser tab's icon, shipped (nothing fetched at run time)


@dataclass(frozen=True)
class Topic:
    """One page of the playground."""

    path: str  # the page's file, relative to the project root
    title: str  # shown in the navigation and on the home page
    icon: str  # a Material icon for the navigation (the font ships with Streamlit)
    summary: str  # one sentence on the home page

    @property
    def file(self) -> Path:
        """The page's file, absolute (the Streamlit script lives in playground/)."""
        return ROOT / self.path

    @property
    def url_path(self) -> str:
        """The page's address, e.g. 'classification' for /classification."""
        return Path(self.path).stem


HOME = Topic("pages/home.py", "Home", ":material/home:", "What the playground teaches, and this machine.")


TOPICS: tuple[Topic, ...] = (
    Topic(
        "pages/tensors.py",
        "Tensors",
        ":material/grid_on:",
        "Build tensors, see their shape, dtype, device, stride and values; operate on them with the rule drawn; "
        "meet the three common errors and their fixes; time CPU against GPU.",
    ),
    Topic(
        "pages/workflow.py",
        "The PyTorch workflow",
        ":material/timeline:",
        "Fit a line (or a curve) live: the course's LinearRegressionModel, L1 or MSE, SGD or Adam, the loss "
        "landscape with the optimizer's path, and saving and loading the state_dict safely.",
    ),
    Topic(
        "pages/classification.py",
        "Classification playground",
        ":material/scatter_plot:",
        "Train a neural network on 2-D points and watch its decision boundary and every neuron change live "
        "(TensorFlow Playground, in PyTorch).",
    ),
    Topic(
        "pages/backprop.py",
        "Backprop, step by step",
        ":material/account_tree:",
        "The training loop's five lines as five buttons on the classification playground's model: activations, "
        "loss, gradients cleared and filled, the update w − lr·grad, and any weight's chain rule beside autograd.",
    ),
    Topic(
        "pages/vision.py",
        "Computer vision",
        ":material/image:",
        "Train the course's TinyVGG live on handwritten digits or drawn shapes; trace every layer's shape, and "
        "look inside: feature maps, kernels, probabilities and one convolution worked out by hand.",
    ),
    Topic(
        "pages/augmentation.py",
        "Data augmentation",
        ":material/auto_awesome:",
        "Build a torchvision.transforms.v2 pipeline (flips, crops, colour, noise, erasing, RandAugment, AugMix...) "
        "and see seeded samples of a real photo, with what each transform drew and the runnable code.",
    ),
    Topic(
        "pages/custom_data.py",
        "Custom datasets",
        ":material/folder_zip:",
        "Upload a zip of class folders (ImageFolder layout): classes and counts, samples, the course's Dataset "
        "subclass and a DataLoader batch; then train TinyVGG on it.",
    ),
    Topic(
        "pages/classify.py",
        "Classify your image",
        ":material/draw:",
        "Draw a digit, upload a picture or take a photo: a trained TinyVGG (shipped, or yours from this session) "
        "says what it sees, shows every preprocessing step and its first feature maps for your image.",
    ),
    Topic(
        "pages/evaluation.py",
        "Evaluation",
        ":material/grid_view:",
        "See what your model gets wrong: a confusion matrix you can click for the examples behind each cell, "
        "precision, recall and F1 worked out with torchmetrics, a threshold with ROC and PR curves, two runs compared.",
    ),
    Topic(
        "pages/transfer.py",
        "Transfer learning",
        ":material/school:",
        "A real ImageNet network (EfficientNet-Lite0, offline) names your photo; freeze or train each part, give it "
        "a new classifier and train it on a few images live, beside the same network from scratch.",
    ),
    Topic(
        "pages/experiments.py",
        "Experiments",
        ":material/monitoring:",
        "Every run of your session and of the runs folder (the training CLI's too): curves overlaid, settings side by "
        "side, and which change helped; save a run so it outlives the server.",
    ),
)
