"""Shared test set-up: the project root on sys.path, one torch thread like the app.

Pages under AppTest train in the test process's own trainer thread (no worker processes): the worker
pool is tested on its own (tests/playground/test_live_pool.py) and through the real server (tests/e2e),
which starts with the app's default pool.
"""

import os
import sys
from pathlib import Path

os.environ.setdefault("PLAYGROUND_WORKERS", "0")  # before anything imports playground.live.pool

import torch

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

torch.set_num_threads(1)
