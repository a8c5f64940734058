"""Pretraining the network of :class:`~sklstm.forecasting.PretrainedLSTMForecaster` on synthetic series.

``python -m sklstm.pretrain --help`` runs :func:`pretrain`; the shipped
weights came from the command in ``benchmarks/README.md``.
"""

from __future__ import annotations

from ._training import pretrain

__all__ = ["pretrain"]
