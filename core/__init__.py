"""PyTorch Playground's core: pure PyTorch + numpy, no Streamlit, no plotly.

Importable on its own, in the course's "going modular" layout: data setup
(`core.data`), model builder (`core.models`), engine (`core.engine`) and
helpers (`core.device`, `core.introspect`, `core.codegen`).
"""
